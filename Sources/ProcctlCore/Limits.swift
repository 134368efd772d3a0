/// Numeric limits of the model, in one place.
public enum Limits {
  public static let instances = 1...50
  public static let minUptimeDefaultMs = 1_000
  public static let stopTimeoutDefaultMs = 10_000
  public static let logMaxSizeDefault = 10 * 1024 * 1024
  public static let logFilesDefault = 5

  /// The longest `--min-uptime`: a worker that must run an hour to count as healthy is already
  /// a long-running one; beyond that the backoff would never reset.
  public static let minUptimeMaxMs = 3_600_000
  /// The longest `--stop-timeout`: a shutdown that needs more than an hour is a hung process
  /// (systemd's TimeoutStopSec for `procctl up` has to cover it too).
  public static let stopTimeoutMaxMs = 3_600_000
  /// The longest cron `--timeout`: 30 days, so even a monthly job can be given a bound.
  public static let cronTimeoutMaxMs = 30 * 86_400_000

  /// Parses an absolute instance count and checks it is 1 to 50. A number too large for an
  /// `Int` is out of range like any other; a leading '+' is refused (it reads as "add"), and
  /// `relativeHint`, when given, is the relative form to suggest instead (`web+3`).
  public static func instances(_ text: String, relativeHint: String? = nil) throws(CoreError)
    -> Int
  {
    let (lo, hi) = (instances.lowerBound, instances.upperBound)
    if text.hasPrefix("+"), isWholeNumber(text.dropFirst()) {
      let hint =
        relativeHint.map { "; to add \(text.dropFirst()) instances use \($0)" }
        ?? " (to add instances to a process, use 'procctl scale NAME\(text)')"
      throw .invalid(
        "invalid instances \"\(text)\": give the count from \(lo) to \(hi) without a '+'\(hint)")
    }
    guard let n = Int(text) else {
      let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
      if isWholeNumber(digits) {
        // All digits but too large for Int: out of range, said the same way as 51.
        throw .invalid("instances must be between \(lo) and \(hi), got \(text)")
      }
      throw .invalid("invalid instances \"\(text)\": use a whole number from \(lo) to \(hi)")
    }
    return try checkInstances(n)
  }

  public static func checkInstances(_ n: Int) throws(CoreError) -> Int {
    guard instances.contains(n) else {
      throw .invalid(
        "instances must be between \(instances.lowerBound) and \(instances.upperBound), got \(n)")
    }
    return n
  }

  /// True for one or more ASCII digits and nothing else.
  public static func isWholeNumber(_ s: Substring) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
  }
}
