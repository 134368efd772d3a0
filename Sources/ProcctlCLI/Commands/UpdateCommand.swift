import ProcctlCore
import ProcctlStore

/// `procctl update NAME`: changes settings that cost nothing (command, environment, schedule,
/// working directory, restart and log tuning). Size and instances change with `resize`/`scale`.
public struct UpdateCommand: Command {
  public static let name = "update"
  public static let abstract = "Change a process's command, environment, schedule or tuning."
  public static let discussion = """
    Changes nothing that costs money, so it asks for no confirmation; --yes is accepted (and
    ignored) and --dry-run shows the changes without applying them. A running supervisor
    restarts the process's instances one at a time when the command, environment or working
    directory change. Schedule, time zone and the cron policies apply to cron jobs only;
    --min-uptime to workers only. Exit codes: 0 updated (or nothing to change), 2 invalid
    value, 4 not found, 6 state file unreadable.
    """
  public static let arguments = [ArgumentSpec("NAME", "The process to change.")]
  public static let options: [OptionSpec] =
    [CommonOptions.app, ProcessOptions.command]
    + ProcessOptions.shared.map { o in
      var o = o
      o.defaultValue = nil  // update changes only what is given
      return o
    }
    + [
      OptionSpec(
        "unset-env", value: "KEY", help: "Remove an environment variable.", repeatable: true)
    ] + CommonOptions.change
  public static let examples = [
    "procctl update web --env LOG_LEVEL=debug --unset-env OLD_FLAG",
    "procctl update --app shop report --schedule '30 7 * * *' --tz Europe/Amsterdam",
    "procctl update web --min-uptime 5s --stop-timeout 30s",
  ]

  public var app: String?
  public var process: String
  public var command: String?
  public var env: [String]
  public var unsetEnv: [String]
  public var cwd: String?
  public var schedule: String?
  public var tz: String?
  public var minUptime: String?
  public var stopTimeout: String?
  public var concurrency: String?
  public var timeout: String?
  public var catchUp: String?
  public var logMaxSize: String?
  public var logFiles: String?
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    process = try args.single("NAME")
    app = args.value("app")
    command = args.value("command")
    env = args.values("env")
    unsetEnv = args.values("unset-env")
    cwd = args.value("cwd")
    schedule = args.value("schedule")
    tz = args.value("tz")
    minUptime = args.value("min-uptime")
    stopTimeout = args.value("stop-timeout")
    concurrency = args.value("concurrency")
    timeout = args.value("timeout")
    catchUp = args.value("catch-up")
    logMaxSize = args.value("log-max-size")
    logFiles = args.value("log-files")
    flags = ChangeFlags(args)
    let given: [Any?] = [
      command, cwd, schedule, tz, minUptime, stopTimeout, concurrency, timeout, catchUp,
      logMaxSize, logFiles,
    ]
    if env.isEmpty && unsetEnv.isEmpty && given.allSatisfy({ $0 == nil }) {
      throw CLIError.usage(
        "nothing to update for 'procctl update \(process)': give --command, --env, --unset-env, --schedule, --tz, --cwd, --min-uptime, --stop-timeout, --concurrency, --timeout, --catch-up, --log-max-size or --log-files"
      )
    }
  }

  /// The parsed values; nil fields are left as they are.
  struct Changes {
    var env: [(String, String)] = []
    var minUptimeMs: Int?
    var stopTimeoutMs: Int?
    var concurrency: ConcurrencyPolicy?
    var timeoutMs: Int??
    var catchUp: CatchUpPolicy?
    var logMaxSize: Int?
    var logFiles: Int?
  }

  func parsed() throws -> Changes {
    var problems: [any Error] = []
    var c = Changes()
    if let p = Name.problem(process, kind: "process name") { problems.append(CoreError.invalid(p)) }
    if let app, let p = Name.problem(app, kind: "application name") {
      problems.append(CoreError.invalid(p))
    }
    if command == "" {
      problems.append(CoreError.invalid("invalid --command \"\": give a shell command line to run"))
    }
    if cwd == "" { problems.append(CoreError.invalid("invalid --cwd \"\": give a directory")) }
    for e in env {
      if let kv = ProcessOptions.collect(&problems, { try EnvAssignment.parse(e) }) {
        c.env.append(kv)
      }
    }
    for k in unsetEnv {
      ProcessOptions.collect(&problems) { try EnvAssignment.validateKey(k, flag: "--unset-env") }
    }
    c.minUptimeMs =
      ProcessOptions.collect(&problems) {
        try minUptime.map { try DurationSpec.parseMs($0, flag: "--min-uptime") }
      } ?? nil
    c.stopTimeoutMs =
      ProcessOptions.collect(&problems) {
        try stopTimeout.map { try DurationSpec.parseMs($0, flag: "--stop-timeout") }
      } ?? nil
    c.concurrency =
      ProcessOptions.collect(&problems) {
        try concurrency.map(ProcessOptions.concurrencyPolicy)
      } ?? nil
    if let timeout {
      if let t = ProcessOptions.collect(&problems, { try ProcessOptions.timeoutMs(timeout) }) {
        c.timeoutMs = .some(t)
      }
    }
    c.catchUp =
      ProcessOptions.collect(&problems) { try catchUp.map(ProcessOptions.catchUpPolicy) } ?? nil
    c.logMaxSize =
      ProcessOptions.collect(&problems) {
        try logMaxSize.map { try ByteSize.parse($0, flag: "--log-max-size") }
      } ?? nil
    c.logFiles =
      ProcessOptions.collect(&problems) { try logFiles.map(ProcessOptions.logFileCount) } ?? nil
    problems += ProcessOptions.checkSchedule(schedule, zone: tz)
    try Problems.throwIfAny(problems)
    return c
  }

  public func validate() throws { _ = try parsed() }

  public func run(_ context: Context) throws -> Int32 {
    let c = try parsed()
    return try ChangeFlow.perform(context, flags: flags) { doc, _ in
      let ai = try Lookup.app(app, in: doc, context: context)
      let appName = doc.apps[ai].name
      let pi = try Lookup.process(process, in: doc.apps[ai])
      let old = doc.apps[ai].processes[pi]
      var p = old
      var lines: [String] = []
      func note(_ field: String, _ from: String, _ to: String) {
        if from != to { lines.append("\(field): \(from) -> \(to)") }
      }
      if let command { p.command = command }
      note("command", old.command, p.command)
      for (k, v) in c.env {
        if p.env[k] != v { lines.append(p.env[k] == nil ? "env \(k) set" : "env \(k) changed") }
        p.env[k] = v
      }
      for k in unsetEnv where p.env.removeValue(forKey: k) != nil {
        lines.append("env \(k) removed")
      }
      if let cwd { p.cwd = ProcessOptions.absolute(cwd, base: context.workingDirectory) }
      note("cwd", old.cwd, p.cwd)
      if let schedule { p.schedule = schedule }
      note("schedule", old.schedule ?? "-", p.schedule ?? "-")
      if let tz { p.timeZone = tz }
      note("time zone", old.timeZone ?? "-", p.timeZone ?? "-")
      if let v = c.minUptimeMs { p.minUptimeMs = v }
      note(
        "min uptime", DurationSpec.describe(ms: old.minUptimeMs),
        DurationSpec.describe(ms: p.minUptimeMs))
      if let v = c.stopTimeoutMs { p.stopTimeoutMs = v }
      note(
        "stop timeout", DurationSpec.describe(ms: old.stopTimeoutMs),
        DurationSpec.describe(ms: p.stopTimeoutMs))
      if let v = c.concurrency { p.concurrency = v }
      note(
        "concurrency", old.concurrency?.rawValue ?? "forbid", p.concurrency?.rawValue ?? "forbid")
      if let v = c.timeoutMs { p.timeoutMs = v }
      note(
        "timeout", old.timeoutMs.map { DurationSpec.describe(ms: $0) } ?? "none",
        p.timeoutMs.map { DurationSpec.describe(ms: $0) } ?? "none")
      if let v = c.catchUp { p.catchUp = v }
      note("catch-up", old.catchUp?.rawValue ?? "none", p.catchUp?.rawValue ?? "none")
      if let v = c.logMaxSize { p.logMaxSize = v }
      note(
        "log max size", ByteSize.describe(old.logMaxSize ?? Limits.logMaxSizeDefault),
        ByteSize.describe(p.logMaxSize ?? Limits.logMaxSizeDefault))
      if let v = c.logFiles { p.logFiles = v }
      note(
        "log files", "\(old.logFiles ?? Limits.logFilesDefault)",
        "\(p.logFiles ?? Limits.logFilesDefault)")
      // Rules that depend on the process's type: the stored one, not a flag.
      if p.type == .worker {
        var problems: [any Error] = []
        if schedule != nil {
          problems.append(
            CoreError.invalid("--schedule is only for cron jobs: \"\(p.name)\" is a worker"))
        }
        if tz != nil {
          problems.append(
            CoreError.invalid("--tz is only for cron jobs: \"\(p.name)\" is a worker"))
        }
        if concurrency != nil {
          problems.append(
            CoreError.invalid("--concurrency is only for cron jobs: \"\(p.name)\" is a worker"))
        }
        if timeout != nil {
          problems.append(
            CoreError.invalid("--timeout is only for cron jobs: \"\(p.name)\" is a worker"))
        }
        if catchUp != nil {
          problems.append(
            CoreError.invalid("--catch-up is only for cron jobs: \"\(p.name)\" is a worker"))
        }
        try Problems.throwIfAny(problems)
      } else if minUptime != nil {
        throw CoreError.invalid(
          "--min-uptime is only for workers; \"\(p.name)\" is a cron job (not restarted)")
      }
      if p != old {
        p.updatedAt = context.now()
        doc.apps[ai].processes[pi] = p
      }
      var plan = ChangePlan(app: appName, action: "update", done: "updated \(appName)/\(p.name)")
      plan.headline = "Update \(p.type.rawValue) \(appName)/\(p.name)"
      plan.changes = lines
      plan.showChanges = true
      plan.processes = [(appName, p)]
      return plan
    }
  }
}
