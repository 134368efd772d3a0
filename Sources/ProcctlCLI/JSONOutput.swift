import ProcctlCore

/// `--json` output: one document on stdout, written with the core `JSONWriter` (keys sorted,
/// absent optionals left out, empty containers as `[]` and `{}`), so field order never changes
/// between versions and no FoundationEssentials is loaded at start-up.
public enum JSONOutput {
  /// Writes `value` as the command's one JSON document on stdout.
  public static func write(_ value: some JSONWritable, to context: Context, capacity: Int = 4096) {
    var w = JSONWriter(capacity: capacity)
    value.write(to: &w)
    // The body, then the newline: no copy of a large document (JSONWriter.document copies).
    context.out.write(bytes: w.bytes)
    context.out.line()
  }
}
