/// Sizes in bytes as operators write them: "10MiB", "512KiB", "1G", "4096". Binary units
/// (KiB/MiB/GiB, and the short K/M/G) are powers of 1024; decimal KB/MB/GB are powers of 1000.
public enum ByteSize {
  /// Accepted range for a log file's size before rotation: 4 KiB to 1 GiB.
  public static let logMaxSizeRange = 4096...(1 << 30)

  public static func parse(_ text: String, flag: String) throws(CoreError) -> Int {
    let err = CoreError.invalid(
      "invalid \(flag) \"\(text)\": use a size such as 512KiB, 10MiB or 1GiB")
    let s = text.trimmingSpaces
    var digits = ""
    var unit = ""
    for ch in s {
      if unit.isEmpty, ch.isASCII, ch.isNumber { digits.append(ch) } else { unit.append(ch) }
    }
    guard !digits.isEmpty, let n = Int(digits) else { throw err }
    let mult: Int
    switch unit.trimmingSpaces.lowercased() {
    case "", "b": mult = 1
    case "k", "kib": mult = 1 << 10
    case "m", "mib": mult = 1 << 20
    case "g", "gib": mult = 1 << 30
    case "kb": mult = 1000
    case "mb": mult = 1_000_000
    case "gb": mult = 1_000_000_000
    default: throw err
    }
    let (bytes, overflow) = n.multipliedReportingOverflow(by: mult)
    if overflow { throw err }
    return bytes
  }

  /// "10MiB", "512KiB", "1GiB", or plain bytes: the shortest exact description.
  public static func describe(_ bytes: Int) -> String {
    if bytes > 0 && bytes % (1 << 30) == 0 { return "\(bytes >> 30)GiB" }
    if bytes > 0 && bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
    if bytes > 0 && bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
    return "\(bytes)B"
  }
}
