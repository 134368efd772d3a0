import CProcctl
import ProcctlCore
import ProcctlStore

/// The entry point: argv in, exit code out. Global options come before the subcommand
/// (`--home DIR`, `--version`, `--help`); `--home` is also accepted after it.
public enum CLI {
  public static func main(_ argv: [String]) -> Int32 {
    var homeFlag: String?
    var rest = argv[...]
    // Leading global options.
    while let a = rest.first, a.hasPrefix("-") {
      if a == "--version" {
        return printAndExit("procctl \(Help.version)", code: 0)
      } else if a == "--help" || a == "-h" {
        return printAndExit(Help.root(), code: 0, newline: false)
      } else if a == "--home" {
        guard rest.count > 1 else {
          return fail("missing value for --home DIR", code: ExitCode.usage)
        }
        homeFlag = rest[rest.startIndex + 1]
        rest = rest.dropFirst(2)
      } else if a.hasPrefix("--home=") {
        homeFlag = String(a.dropFirst("--home=".count))
        rest = rest.dropFirst()
      } else {
        return fail(
          "unknown option '\(a)' (global options are --home, --version, --help; see 'procctl --help')",
          code: ExitCode.usage)
      }
    }
    var words = Array(rest)
    // `--home` between the words of a nested command (`apps --home DIR create x`): taken out
    // while only plain words precede it, so no option's value is ever mistaken for it.
    var i = 0
    while i < words.count {
      let w = words[i]
      if w == "--home", i + 1 < words.count {
        homeFlag = words[i + 1]
        words.removeSubrange(i...(i + 1))
      } else if w.hasPrefix("--home=") {
        homeFlag = String(w.dropFirst("--home=".count))
        words.remove(at: i)
      } else if w.hasPrefix("-") {
        break
      } else {
        i += 1
      }
    }
    if homeFlag == "" { return fail(emptyHome, code: ExitCode.usage) }
    if words.isEmpty { return printAndExit(Help.root(), code: 0, newline: false) }
    if words[0] == "help" { return help(Array(words.dropFirst())) }

    switch CommandRegistry.match(words) {
    case .none:
      return fail(
        "unknown subcommand '\(words[0])' (see 'procctl --help' for the list)", code: ExitCode.usage
      )
    case .group(let group, let consumed):
      let next = words.dropFirst(consumed).first
      if next == nil || next == "--help" || next == "-h" {
        return printAndExit(Help.group(group), code: 0, newline: false)
      }
      let names = CommandRegistry.members(of: group).map {
        String($0.name.dropFirst(group.count + 1))
      }
      return fail(
        "unknown subcommand '\(next ?? "")' for 'procctl \(group)': use one of \(names.joined(separator: ", "))",
        code: ExitCode.usage)
    case .command(let type, let consumed):
      return run(type, Array(words.dropFirst(consumed)), homeFlag: homeFlag)
    }
  }

  /// Parses, validates and runs one command; every error goes through `ExitCode.of`.
  static func run(_ type: any Command.Type, _ args: [String], homeFlag: String?) -> Int32 {
    let beforeDashDash = args.prefix { $0 != "--" }
    if beforeDashDash.contains("--help") || beforeDashDash.contains("-h") {
      return printAndExit(Help.command(type), code: 0, newline: false)
    }
    var home = homeFlag
    let command: any Command
    do {
      let parsed = try ArgumentParser.parse(args, options: type.allOptions, command: type.name)
      if let h = parsed.value("home") {
        if h.isEmpty { throw CLIError.usage(emptyHome) }
        home = h
      }
      command = try type.init(parsed)
      try command.validate()
    } catch {
      return report(error, context: nil)
    }
    // Every command but the supervisor is over in milliseconds (1,000 processes: ~500 page
    // faults at several microseconds each were a third of `list --json`).
    if !(type is UpCommand.Type) { cprocctl_malloc_for_one_shot() }
    let context = Context.live(homeFlag: home)
    let code: Int32
    do {
      code = try command.run(context)
    } catch {
      code = report(error, context: context)
    }
    context.out.flush()
    context.err.flush()
    return code
  }

  /// An explicit `--home ""` is a mistake (an unset variable in a script, most likely), never
  /// "use the default": that would read and change another state directory. An empty
  /// `PROCCTL_HOME` is treated as unset, as XDG variables are.
  static let emptyHome =
    "invalid --home \"\": give a state directory"
    + " (leave --home out to use $PROCCTL_HOME or the default)"

  /// `procctl help [WORDS...]`.
  static func help(_ words: [String]) -> Int32 {
    if words.isEmpty { return printAndExit(Help.root(), code: 0, newline: false) }
    switch CommandRegistry.match(words) {
    case .command(let type, let consumed) where consumed == words.count:
      return printAndExit(Help.command(type), code: 0, newline: false)
    case .group(let group, let consumed) where consumed == words.count:
      return printAndExit(Help.group(group), code: 0, newline: false)
    default:
      return fail(
        "no help for '\(words.joined(separator: " "))': unknown subcommand (see 'procctl --help')",
        code: ExitCode.usage)
    }
  }

  /// Prints the error (one line per problem) and returns its exit code.
  static func report(_ error: any Error, context: Context?) -> Int32 {
    let ctx = context ?? Context.live(homeFlag: nil)
    for m in ExitCode.messages(error) { ctx.error(m) }
    ctx.out.flush()
    ctx.err.flush()
    return ExitCode.of(error)
  }

  static func fail(_ message: String, code: Int32) -> Int32 {
    _ = report(CLIError.usage(message), context: nil)
    return code
  }

  static func printAndExit(_ text: String, code: Int32, newline: Bool = true) -> Int32 {
    let out = TextOutput(fd: 1)
    if newline { out.line(text) } else { out.write(text) }
    out.flush()
    return code
  }
}
