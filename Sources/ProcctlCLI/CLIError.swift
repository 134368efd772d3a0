/// Errors of the command line itself. Model and store errors keep their own types; `ExitCode.of`
/// maps all of them in one place.
public enum CLIError: Error, Equatable, CustomStringConvertible, Sendable {
  /// Bad argv: unknown option, missing value, wrong number of arguments (exit 2).
  case usage(String)
  /// The change was shown but not confirmed (exit 3).
  case notConfirmed(String)
  /// The operation could not be done (exit 1).
  case failed(String)

  public var description: String {
    switch self {
    case .usage(let m), .notConfirmed(let m), .failed(let m): return m
    }
  }
}

/// Several problems found while validating one input, reported together; the exit code is the
/// first problem's.
public struct Problems: Error, CustomStringConvertible, Sendable {
  public var errors: [any Error]
  public init(_ errors: [any Error]) { self.errors = errors }
  public var description: String { errors.map { "\($0)" }.joined(separator: "\n") }

  /// Throws the collected problems, if any: one alone as itself, several together.
  public static func throwIfAny(_ errors: [any Error]) throws {
    if errors.count == 1 { throw errors[0] }
    if !errors.isEmpty { throw Problems(errors) }
  }
}
