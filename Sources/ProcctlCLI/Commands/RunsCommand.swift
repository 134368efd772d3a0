import ProcctlCore
import ProcctlStore

/// `procctl runs NAME`: a cron job's run history, newest first.
public struct RunsCommand: Command {
  public static let name = "runs"
  public static let abstract = "List a cron job's runs, newest first."
  public static let discussion = """
    Shows the recorded runs of a cron job (the last 50 are kept, with their logs): run id, \
    trigger (schedule, manual, catch-up), scheduled time and start in the job's time zone, \
    duration, exit code or signal, outcome (running, succeeded, failed, timed-out, skipped, \
    replaced, missed) and the log file. --json adds the seconds each run was active, which \
    billing charges. Exit codes: 0, 2 invalid value or not a cron job, 4 not found, 6 state \
    file unreadable.
    """
  public static let arguments = [ArgumentSpec("NAME", "The cron job.")]
  public static let options = [
    CommonOptions.app,
    OptionSpec("count", short: "n", value: "N", help: "Show at most N runs (1-50).", default: "50"),
    CommonOptions.json,
  ]
  public static let examples = ["procctl runs backup", "procctl runs --app shop report -n 5 --json"]

  public var app: String?
  public var process: String
  public var limit: Int
  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    process = try args.single("NAME")
    app = args.value("app")
    json = args.flag("json")
    let n = args.value("count") ?? "\(CronRun.historyLimit)"
    guard let v = Int(n), (1...CronRun.historyLimit).contains(v) else {
      throw CoreError.invalid("invalid -n \"\(n)\": use a number from 1 to \(CronRun.historyLimit)")
    }
    limit = v
  }

  public func validate() throws { try Lookup.checkNames(app: app, process: process) }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let (a, spec) = try Lookup.target(app: app, process: process, in: doc, context: context)
    guard spec.type == .cron else {
      throw CoreError.invalid(
        "process \"\(spec.name)\" is a worker; runs are recorded for cron jobs only")
    }
    let store = CronStore(paths: context.paths)
    let runs = Array(try store.history(app: a.name, process: spec.name).reversed().prefix(limit))
    if json {
      JSONOutput.write(RunsView(app: a.name, process: spec.name, runs: runs), to: context)
      return ExitCode.success
    }
    if runs.isEmpty {
      context.note("no runs of \(a.name)/\(spec.name) recorded yet")
      return ExitCode.success
    }
    let zone = (try? ZoneInfo.load(spec.timeZone ?? "UTC")) ?? .utc
    func time(_ t: Timestamp?) -> String {
      guard let t else { return "-" }
      return t.rfc3339(offsetSeconds: zone.offset(at: t), fraction: false, zulu: false)
    }
    var table = Table([
      .init("RUN"), .init("TRIGGER"), .init("SCHEDULED"), .init("STARTED"),
      .init("DURATION", rightAligned: true), .init("EXIT"), .init("OUTCOME"), .init("LOG"),
    ])
    for r in runs {
      let exit = r.signal.map { "signal \($0)" } ?? r.exitCode.map { "\($0)" } ?? "-"
      table.add([
        r.id, r.trigger.rawValue, time(r.scheduledAt), time(r.startedAt),
        r.durationMs.map { DurationSpec.describe(ms: Int($0)) } ?? "-", exit, r.outcome.rawValue,
        r.logPath ?? "-",
      ])
    }
    context.out.write(table.render())
    return ExitCode.success
  }
}

/// `procctl runs --json`: the runs newest first, with the fields of `CronRun`.
struct RunsView: JSONWritable {
  var app: String
  var process: String
  var runs: [CronRun]

  func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("app", app)
    w.member("process", process)
    w.member("runs", runs)
    w.endObject()
  }
}
