/// Numeric limits of the model, in one place.
public enum Limits {
  public static let instances = 1...50
  public static let minUptimeDefaultMs = 1_000
  public static let stopTimeoutDefaultMs = 10_000
  public static let logMaxSizeDefault = 10 * 1024 * 1024
  public static let logFilesDefault = 5

  /// Parses an instance count and checks it is 1 to 50.
  public static func instances(_ text: String) throws(CoreError) -> Int {
    guard let n = Int(text) else {
      throw .invalid(
        "invalid instances \"\(text)\": use a whole number from \(instances.lowerBound) to \(instances.upperBound)"
      )
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
}
