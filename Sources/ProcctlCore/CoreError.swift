/// Every rule violation the model can report. Each description is one full sentence naming the
/// bad value and what is allowed; the CLI maps each case to an exit code in one place.
public enum CoreError: Error, Equatable, CustomStringConvertible, Sendable {
  /// A value that is out of range or malformed (exit 2).
  case invalid(String)
  /// Something named does not exist (exit 4).
  case notFound(String)
  /// Something named already exists (exit 5).
  case conflict(String)
  /// A change that is refused by policy, e.g. no payment method (exit 1).
  case refused(String)

  public var description: String {
    switch self {
    case .invalid(let m), .notFound(let m), .conflict(let m), .refused(let m): return m
    }
  }
}
