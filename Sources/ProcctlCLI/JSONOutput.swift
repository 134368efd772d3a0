import FoundationEssentials

/// `--json` output: one document, keys sorted, so field order never changes between versions.
public enum JSONOutput {
  public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    var bytes = [UInt8](try enc.encode(value))
    bytes.append(10)
    return bytes
  }

  /// Writes `value` as the command's one JSON document on stdout.
  public static func write<T: Encodable>(_ value: T, to context: Context) throws {
    context.out.write(bytes: try encode(value))
  }
}
