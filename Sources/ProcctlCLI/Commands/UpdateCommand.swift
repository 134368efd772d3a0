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
    directory change, moving on once each replacement has run for its min-uptime; one that
    fails pauses the roll, the others keep the old spec ('procctl ps' says why). Schedule,
    time zone and the cron policies apply to cron jobs only;
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
  var settings: ProcessSettings
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    process = try args.single("NAME")
    app = args.value("app")
    command = args.value("command")
    env = args.values("env")
    unsetEnv = args.values("unset-env")
    settings = ProcessSettings(args)
    flags = ChangeFlags(args)
    if env.isEmpty && unsetEnv.isEmpty && command == nil && settings.isEmpty {
      throw CLIError.usage(
        "nothing to update for 'procctl update \(process)': give --command, --env, --unset-env, --schedule, --tz, --cwd, --min-uptime, --stop-timeout, --concurrency, --timeout, --catch-up, --log-max-size or --log-files"
      )
    }
  }

  /// The parsed values; nil fields are left as they are.
  struct Changes {
    var env: [(String, String)] = []
    var settings = ProcessSettings.Parsed()
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
    for e in env {
      if let kv = ProcessOptions.collect(&problems, { try EnvAssignment.parse(e) }) {
        c.env.append(kv)
      }
    }
    for k in unsetEnv {
      ProcessOptions.collect(&problems) { try EnvAssignment.validateKey(k, flag: "--unset-env") }
    }
    c.settings = settings.parse(&problems)
    problems += ProcessOptions.checkSchedule(settings.schedule, zone: settings.tz)
    try Problems.throwIfAny(problems)
    return c
  }

  public func validate() throws { _ = try parsed() }

  public func run(_ context: Context) throws -> Int32 {
    let c = try parsed()
    let (cwd, schedule, tz, o) = (settings.cwd, settings.schedule, settings.tz, c.settings)
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
      if let v = o.minUptimeMs { p.minUptimeMs = v }
      note(
        "min uptime", DurationSpec.describe(ms: old.minUptimeMs),
        DurationSpec.describe(ms: p.minUptimeMs))
      if let v = o.stopTimeoutMs { p.stopTimeoutMs = v }
      note(
        "stop timeout", DurationSpec.describe(ms: old.stopTimeoutMs),
        DurationSpec.describe(ms: p.stopTimeoutMs))
      if let v = o.concurrency { p.concurrency = v }
      note(
        "concurrency", old.concurrency?.rawValue ?? "forbid", p.concurrency?.rawValue ?? "forbid")
      if let v = o.timeoutMs { p.timeoutMs = v }
      note(
        "timeout", old.timeoutMs.map { DurationSpec.describe(ms: $0) } ?? "none",
        p.timeoutMs.map { DurationSpec.describe(ms: $0) } ?? "none")
      if let v = o.catchUp { p.catchUp = v }
      note("catch-up", old.catchUp?.rawValue ?? "none", p.catchUp?.rawValue ?? "none")
      if let v = o.logMaxSize { p.logMaxSize = v }
      note(
        "log max size", ByteSize.describe(old.logMaxSize ?? Limits.logMaxSizeDefault),
        ByteSize.describe(p.logMaxSize ?? Limits.logMaxSizeDefault))
      if let v = o.logFiles { p.logFiles = v }
      note(
        "log files", "\(old.logFiles ?? Limits.logFilesDefault)",
        "\(p.logFiles ?? Limits.logFilesDefault)")
      // Rules that depend on the process's type: the stored one, not a flag.
      if p.type == .worker {
        let cronOnly = [
          ("--schedule", schedule), ("--tz", tz), ("--concurrency", settings.concurrency),
          ("--timeout", settings.timeout), ("--catch-up", settings.catchUp),
        ]
        try Problems.throwIfAny(
          cronOnly.compactMap { flag, value -> (any Error)? in
            value.map { _ in
              CoreError.invalid("\(flag) is only for cron jobs: \"\(p.name)\" is a worker")
            }
          })
      } else if settings.minUptime != nil {
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
