import ProcctlCore
import ProcctlStore
import ProcctlSupervisor

/// `procctl events`: what the supervisor did (starts, exits, restarts, OOM kills, resizes).
public struct EventsCommand: Command {
  public static let name = "events"
  public static let abstract = "Show the supervisor's events (starts, exits, restarts, OOM kills)."
  public static let discussion = """
    Prints the last N events (default 50) from <home>/logs/events.log (and its rotated files), \
    oldest first: `2026-12-03T19:11:10.123Z shop worker.2 exited: OOMKilled`; `-` in the app \
    column marks the supervisor's own events. --app keeps one application's events. -f keeps \
    printing new events until interrupted. --json prints one object per line: \
    {"time","app","message"}.
    Exit codes: 0, 2 invalid value.
    """
  public static let options = [
    OptionSpec("app", short: "a", value: "APP", help: "Only this application's events.", default: "all"),
    OptionSpec("lines", short: "n", value: "N", help: "How many events.", default: "50"),
    OptionSpec("follow", short: "f", help: "Keep printing new events until interrupted."),
    OptionSpec("json", help: "One JSON object per line."),
  ]
  public static let examples = ["procctl events", "procctl events --app shop -n 10 -f"]

  public var app: String?
  public var lines: String?
  public var follow: Bool
  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    app = args.value("app")
    lines = args.value("lines")
    follow = args.flag("follow")
    json = args.flag("json")
  }

  public func validate() throws {
    var problems: [any Error] = []
    do { try Lookup.checkAppName(app) } catch { problems.append(error) }
    do { _ = try LogRendering.lineCount(lines) } catch { problems.append(error) }
    try Problems.throwIfAny(problems)
  }

  public func run(_ context: Context) throws -> Int32 {
    let logsDir = context.paths.logsDir
    let filter = try context.appNamed(app)
    let follower = follow ? LogFollower.events(logsDir: logsDir, app: filter) : nil
    let records = LogReader.events(
      logsDir: logsDir, app: filter, lines: try LogRendering.lineCount(lines) ?? 50)
    func emit(_ recs: [LogRecord]) {
      for r in recs { context.out.line(json ? LogRendering.eventJSON(r) : LogRendering.eventText(r)) }
      context.out.flush()
    }
    emit(records)
    follower?.run { recs in
      emit(recs)
      return true
    }
    return ExitCode.success
  }
}
