import ProcctlCore

/// `--json` output: one document on stdout, written with the core `JSONWriter` (keys sorted,
/// absent optionals left out, empty containers as `[]` and `{}`), so field order never changes
/// between versions and no FoundationEssentials is loaded at start-up.
public enum JSONOutput {
  /// Writes `value` as the command's one JSON document on stdout.
  public static func write(_ value: some JSONWritable, to context: Context) {
    write(to: context) { value.write(to: &$0) }
  }

  /// Writes the document `body` writes. Up to 64 KiB at a time go straight from the writer's
  /// buffer to stdout (through `TextOutput`, which keeps them in order after anything buffered
  /// before): no copy, and no page faults for a document held whole.
  public static func write(
    to context: Context, _ body: (inout JSONWriter) -> Void
  ) {
    let out = context.out
    var w = JSONWriter(chunk: 65536) { out.write(raw: $0) }
    body(&w)
    w.finish()
  }
}
