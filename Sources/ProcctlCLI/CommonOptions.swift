/// Options shared by many commands, declared once so their help reads the same everywhere.
public enum CommonOptions {
  public static let home = OptionSpec(
    "home", value: "DIR", help: "State directory.",
    default: "$PROCCTL_HOME, else ${XDG_STATE_HOME:-~/.local/state}/procctl")
  public static let help = OptionSpec("help", short: "h", help: "Show help information.")
  public static let app = OptionSpec(
    "app", short: "a", value: "APP", help: "The application.",
    default: "$PROCCTL_APP, else the only application")
  public static let json = OptionSpec("json", help: "Print one JSON document on stdout.")
  public static let yes = OptionSpec(
    "yes", short: "y", help: "Confirm the change without asking.")
  public static let dryRun = OptionSpec(
    "dry-run", help: "Show what would change (and its cost), change nothing.")

  /// `--yes`, `--dry-run`, `--json`: what every changing command accepts.
  public static let change = [yes, dryRun, json]
}

/// The flags every changing command accepts, read once.
public struct ChangeFlags: Sendable, Equatable {
  public var yes: Bool
  public var dryRun: Bool
  public var json: Bool

  public init(yes: Bool = false, dryRun: Bool = false, json: Bool = false) {
    self.yes = yes
    self.dryRun = dryRun
    self.json = json
  }

  public init(_ p: ParsedArguments) {
    self.init(yes: p.flag("yes"), dryRun: p.flag("dry-run"), json: p.flag("json"))
  }
}
