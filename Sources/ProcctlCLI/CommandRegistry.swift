/// The one list of procctl's commands. Adding a command: a file under `Commands/` and one line in
/// `all`. Nested commands ("apps create", "billing payment-method set") are registered by their
/// full name; the words before the last form a group, whose help lists its subcommands.
public enum CommandRegistry {
  public static let all: [any Command.Type] = [
    AppsCreateCommand.self,
    AppsListCommand.self,
    AppsDeleteCommand.self,
    CreateCommand.self,
    ListCommand.self,
    ShowCommand.self,
    UpdateCommand.self,
    ScaleCommand.self,
    ResizeCommand.self,
    DeleteCommand.self,
    SizesCommand.self,
    BillingCommand.self,
    BillingPaymentMethodSetCommand.self,
    BillingPaymentMethodUnsetCommand.self,
    UpCommand.self,
    PsCommand.self,
    RestartCommand.self,
    CronNextCommand.self,
    RunsCommand.self,
    CronRunCommand.self,
    LogsCommand.self,
    EventsCommand.self,
    DoctorCommand.self,
  ]

  /// One-line descriptions of command groups, for `procctl help GROUP`.
  public static let groups: [String: String] = [
    "apps": "Manage applications.",
    "billing payment-method": "Manage the payment method.",
    "cron": "Cron schedules and runs.",
  ]

  /// What argv selects.
  public enum Match {
    /// A command, and how many words of argv named it.
    case command(any Command.Type, consumed: Int)
    /// A group ("apps"), and how many words named it.
    case group(String, consumed: Int)
    case none
  }

  /// The longest registered name (or group) that argv starts with.
  public static func match(_ argv: [String], in commands: [any Command.Type] = all) -> Match {
    var best: (any Command.Type, Int)?
    var bestGroup: (String, Int)?
    for c in commands {
      let words = c.name.split(separator: " ").map(String.init)
      if argv.count >= words.count, Array(argv.prefix(words.count)) == words {
        if best == nil || words.count > best!.1 { best = (c, words.count) }
      }
      for k in stride(from: words.count - 1, through: 1, by: -1)
      where argv.count >= k && Array(argv.prefix(k)) == Array(words.prefix(k)) {
        if bestGroup == nil || k > bestGroup!.1 {
          bestGroup = (words.prefix(k).joined(separator: " "), k)
        }
        break
      }
    }
    if let g = bestGroup, g.1 > (best?.1 ?? 0) { return .group(g.0, consumed: g.1) }
    if let b = best { return .command(b.0, consumed: b.1) }
    return .none
  }

  /// The commands directly or indirectly under a group, in registry order.
  public static func members(of group: String, in commands: [any Command.Type] = all)
    -> [any Command.Type]
  {
    commands.filter { $0.name.hasPrefix(group + " ") }
  }
}
