import ProcctlCore
import ProcctlStore

/// `procctl create`: declares a process (worker or cron job) in an application.
public struct CreateCommand: Command {
  public static let name = "create"
  public static let abstract = "Create a process (background worker or cron job)."
  public static let discussion = """
    Shows the summary (pod size, instances, monthly cost before and after, hourly rate, payment
    method) and asks for confirmation: --yes confirms, --dry-run only shows it; without a
    terminal and without --yes, procctl exits 3. A change that raises the cost is refused while
    no payment method is set. If the application named with --app does not exist yet, it is
    created with the process (the summary says "(new)").
    Exit codes: 0 created, 1 refused (no payment method), 2 invalid value, 3 not confirmed,
    5 the process already exists, 6 state file unreadable.
    """
  public static let options: [OptionSpec] =
    [
      CommonOptions.app,
      OptionSpec("name", short: "n", value: "NAME", help: "The process's name.", required: true),
      OptionSpec(
        "type", short: "t", value: "worker|cron", help: "Background worker or cron job.",
        default: "worker"),
      ProcessOptions.command.asRequired(),
      OptionSpec(
        "size", short: "s", value: "SIZE", help: "Pod size (see 'procctl sizes').", default: "s1"),
      OptionSpec(
        "instances", short: "i", value: "N", help: "Instances, 1 to 50 (cron jobs: 1).",
        default: "1"),
    ] + ProcessOptions.shared + CommonOptions.change
  public static let examples = [
    "procctl create --app shop --name web --command 'python3 -m http.server 8080' --size s2 --instances 3 --yes",
    "procctl create -a shop -n report --type cron --schedule '0 6 * * mon-fri' --tz Europe/Amsterdam --command ./report.sh --yes",
  ]

  public var app: String?
  public var name: String
  public var type: String
  public var command: String
  public var size: String
  /// False when `--size` was left out and `size` is the default.
  public var sizeGiven: Bool
  public var instances: String
  public var env: [String]
  var settings: ProcessSettings
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    app = args.value("app")
    name = try args.required("name", "NAME")
    type = args.value("type") ?? "worker"
    command = try args.required("command", "CMD")
    size = args.value("size") ?? SizeCatalogue.defaultSizeName
    sizeGiven = args.value("size") != nil
    instances = args.value("instances") ?? "1"
    env = args.values("env")
    settings = ProcessSettings(args)
    flags = ChangeFlags(args)
  }

  public func validate() throws { _ = try spec(cwdBase: "/", now: Timestamp(epochMs: 0)) }

  /// The process this command declares, with every problem of the input reported at once.
  func spec(cwdBase: String, now: Timestamp) throws -> ProcessSpec {
    var problems: [any Error] = []
    if let app { ProcessOptions.collect(&problems) { try Lookup.checkAppName(app) } }
    let t = ProcessOptions.collect(&problems) { try ProcessType.parse(type) }
    let n = ProcessOptions.collect(&problems) { try Limits.instances(instances) }
    var environment: [String: String] = [:]
    for e in env {
      if let (k, v) = ProcessOptions.collect(&problems, { try EnvAssignment.parse(e) }) {
        environment[k] = v
      }
    }
    let o = settings.parse(&problems)
    let (schedule, tz) = (settings.schedule, settings.tz)
    let isCron = t == .cron
    if isCron { problems += ProcessOptions.checkSchedule(schedule, zone: tz) }
    let spec = ProcessSpec(
      name: name, type: t ?? .worker, command: command, size: size.lowercased(),
      instances: n ?? 1, env: environment,
      cwd: ProcessOptions.absolute(settings.cwd ?? cwdBase, base: cwdBase), schedule: schedule,
      timeZone: isCron ? (tz ?? "UTC") : tz,
      minUptimeMs: o.minUptimeMs ?? Limits.minUptimeDefaultMs,
      stopTimeoutMs: o.stopTimeoutMs ?? Limits.stopTimeoutDefaultMs, concurrency: o.concurrency,
      timeoutMs: o.timeoutMs ?? nil, catchUp: o.catchUp, logMaxSize: o.logMaxSize,
      logFiles: o.logFiles, createdAt: now, updatedAt: now)
    if t != nil && n != nil {
      problems += ProcessRules.problems(spec)
    } else if let p = Name.problem(name, kind: "process name") {
      problems.append(CoreError.invalid(p))
    }
    try Problems.throwIfAny(problems)
    return spec
  }

  public func run(_ context: Context) throws -> Int32 {
    let spec = try spec(cwdBase: context.workingDirectory, now: context.now())
    let named = try context.appNamed(app)
    let catalogue = try context.store.catalogue()
    if !sizeGiven && catalogue.size(named: spec.size) == nil {
      // A sizes.json that replaces the catalogue may leave out s1: say so, not "unknown size".
      let names = catalogue.sizes.map(\.name).joined(separator: ", ")
      throw CoreError.invalid(
        "the default pod size \"\(spec.size)\" is not in \(context.paths.sizesFile)"
          + " (it has \(names)): choose one with --size SIZE")
    }
    let podSize = try catalogue.require(spec.size)
    if !FileIO.exists(spec.cwd) {
      context.note("warning: working directory \(spec.cwd) does not exist (yet)")
    }
    return try ChangeFlow.perform(context, flags: flags) { doc, _ in
      let appName: String
      var newApp = false
      if let named {
        appName = named
        if doc.app(named: named) == nil {
          doc.apps.append(Application(name: named, createdAt: spec.createdAt))
          newApp = true
        }
      } else if doc.apps.count == 1 {
        appName = doc.apps[0].name
      } else if doc.apps.isEmpty {
        throw CLIError.usage(
          "no application given: pass --app APP (it is created if it does not exist)")
      } else {
        appName = doc.apps[try Lookup.app(nil, in: doc, context: context)].name
      }
      guard let ai = doc.appIndex(appName) else { throw CLIError.failed("internal: app vanished") }
      if doc.apps[ai].process(named: spec.name) != nil {
        throw CoreError.conflict(
          "process \"\(spec.name)\" already exists in application \"\(appName)\"; change it with 'procctl update', 'scale' or 'resize'"
        )
      }
      doc.apps[ai].processes.append(spec)
      var plan = ChangePlan(
        app: appName, action: "create",
        quote: Quote(
          lines: [
            Quote.Line(
              app: appName, process: spec.name, type: spec.type, command: spec.command,
              action: .create, sizeBefore: nil, sizeAfter: podSize, instancesBefore: 0,
              instancesAfter: spec.instances)
          ], paymentMethod: nil),
        done: "created \(spec.type.rawValue) \(appName)/\(spec.name)"
          + (newApp ? " (and application \(appName))" : ""))
      plan.newApp = newApp
      plan.processes = [(appName, spec)]
      return plan
    }
  }
}

extension OptionSpec {
  /// The same option, marked required for USAGE.
  func asRequired() -> OptionSpec {
    var o = self
    o.required = true
    return o
  }
}
