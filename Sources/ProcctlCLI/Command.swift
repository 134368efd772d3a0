/// One procctl subcommand, shaped like swift-argument-parser's `ParsableCommand` without the
/// package: static metadata for help, a pure `init` from tokenized arguments, a pure `validate()`
/// and `run(_:)`, which does the work and returns the exit code.
///
/// Adding a command is one file under `Commands/` plus one line in `CommandRegistry.all`.
public protocol Command: Sendable {
  /// The words that select the command: "list", "apps create", "billing payment-method set".
  static var name: String { get }
  /// One line for the command list.
  static var abstract: String { get }
  /// Longer help text: behaviour and exit codes.
  static var discussion: String { get }
  /// The positional arguments as help shows them.
  static var arguments: [ArgumentSpec] { get }
  /// The options this command accepts (`--home` and `--help` are added for every command).
  static var options: [OptionSpec] { get }
  /// Complete command lines, shown under EXAMPLES.
  static var examples: [String] { get }
  /// Builds the command from its tokenized arguments. Pure: no files, no environment.
  init(_ args: ParsedArguments) throws
  /// Checks the values against the model's rules (no state read). Pure.
  func validate() throws
  /// Does the work; returns the exit code. Errors thrown here are mapped by `ExitCode.of`.
  func run(_ context: Context) throws -> Int32
}

extension Command {
  public static var discussion: String { "" }
  public static var arguments: [ArgumentSpec] { [] }
  public static var examples: [String] { [] }
  public func validate() throws {}

  /// Every option including the ones all commands share.
  public static var allOptions: [OptionSpec] { options + [CommonOptions.home, CommonOptions.help] }

  /// Parses argv (the words after the command's name) into the command, then validates it.
  public static func parse(_ argv: [String]) throws -> Self {
    let parsed = try ArgumentParser.parse(argv, options: allOptions, command: name)
    let command = try Self(parsed)
    try command.validate()
    return command
  }
}

/// A positional argument, for help.
public struct ArgumentSpec: Sendable {
  public var name: String
  public var help: String
  public init(_ name: String, _ help: String) {
    self.name = name
    self.help = help
  }
}

/// An option a command accepts. `valueName` nil means a flag without a value.
public struct OptionSpec: Sendable {
  public var long: String
  public var short: Character?
  public var valueName: String?
  public var help: String
  /// Shown as "(default: ...)" in help.
  public var defaultValue: String?
  public var repeatable: Bool
  /// Shown without brackets in USAGE.
  public var required: Bool

  public init(
    _ long: String, short: Character? = nil, value: String? = nil, help: String,
    default defaultValue: String? = nil, repeatable: Bool = false, required: Bool = false
  ) {
    self.required = required
    self.long = long
    self.short = short
    self.valueName = value
    self.help = help
    self.defaultValue = defaultValue
    self.repeatable = repeatable
  }

  public var takesValue: Bool { valueName != nil }
}
