import ProcctlCore

/// The result of tokenizing a command's argv: option values by long name, in order, and the
/// positional arguments.
public struct ParsedArguments: Sendable, Equatable {
  /// The command these arguments belong to, for error messages.
  public var command: String
  /// Long option name -> every value given, in order ("" for flags).
  public var options: [String: [String]]
  public var positionals: [String]

  public init(command: String, options: [String: [String]] = [:], positionals: [String] = []) {
    self.command = command
    self.options = options
    self.positionals = positionals
  }

  public func flag(_ long: String) -> Bool { options[long] != nil }
  /// The last value given (a later `--size s2` overrides an earlier one).
  public func value(_ long: String) -> String? { options[long]?.last }
  public func values(_ long: String) -> [String] { options[long] ?? [] }

  /// A value that must be present.
  public func required(_ long: String, _ valueName: String) throws(CLIError) -> String {
    guard let v = value(long) else {
      throw .usage("missing --\(long) \(valueName) for 'procctl \(command)'")
    }
    return v
  }

  /// No positional arguments allowed.
  public func noPositionals() throws(CLIError) {
    if let extra = positionals.first {
      throw .usage("unexpected argument '\(extra)' for 'procctl \(command)'")
    }
  }

  /// Exactly one positional argument, named `what` in the error.
  public func single(_ what: String) throws(CLIError) -> String {
    if positionals.isEmpty { throw .usage("missing \(what) for 'procctl \(command)'") }
    if positionals.count > 1 {
      throw .usage("unexpected argument '\(positionals[1])' for 'procctl \(command)'")
    }
    return positionals[0]
  }

  /// Parses an optional value with a throwing model parser.
  public func map<T>(_ long: String, _ transform: (String) throws(CoreError) -> T)
    throws(CoreError) -> T?
  {
    guard let v = value(long) else { return nil }
    return try transform(v)
  }
}
