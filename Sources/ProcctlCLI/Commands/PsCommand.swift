import ProcctlCore
import ProcctlStore
import ProcctlSupervisor

/// `procctl ps`: one row per worker instance, from the running supervisor's status file.
public struct PsCommand: Command {
  public static let name = "ps"
  public static let abstract = "Show every worker instance: state, pid, uptime, restarts, last exit."
  public static let discussion = """
    One row per instance ('worker.3'): STATE is starting (younger than its min-uptime),
    running, backoff (exited too soon; NEXT START says when it starts again), stopping or
    exited. LAST EXIT is the last exit code or signal. When no supervisor is running, the
    desired instances are shown as 'not running' and a note says so (exit 0). JSON fields:
    supervisor {running, pid, startedAt}, instances [{app, process, instance, name, state, pid,
    startedAt, uptimeMs, restarts, lastExit {code|signal|spawnError}, lastExitAt, nextStartAt,
    backoffAttempts, error, limitsError, rollout, size, cpu, memoryMB, memoryUsedBytes,
    cpuTimeMs, cpuUsed, desired}] (rollout: why the rolling restart of its process is paused,
    also printed under the table)
    (memoryUsedBytes: the instance's cgroup's current memory; cpuTimeMs: CPU time of this run;
    cpuUsed: its average in cores since it started; absent without cgroups). MEM and CPU show
    use next to the limit: '23M/256M', '0.24/0.25'; '-' for an instance whose cgroup could not
    be made (it runs without limits; a note on stderr and JSON limitsError say why). Cron jobs
    get their own table (NEXT RUN, ACTIVE runs, LAST RUN: without a supervisor, from the run
    history); JSON cronJobs [{app, process, schedule, timeZone, nextRunAt, active, activeRuns
    [{id, pid, startedAt}], lastRunID, lastOutcome, lastExit}]. Exit codes: 0, 2 invalid name,
    4 application or process not found, 6 state file unreadable.
    """
  public static let arguments = [ArgumentSpec("[NAME]", "Only this process.")]
  public static let options = [
    OptionSpec(
      "app", short: "a", value: "APP", help: "Only this application.",
      default: "$PROCCTL_APP, else all applications"),
    CommonOptions.json,
  ]
  public static let examples = ["procctl ps", "procctl ps --app shop worker --json"]

  public var app: String?
  public var process: String?
  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    if args.positionals.count > 1 {
      throw CLIError.usage("unexpected argument '\(args.positionals[1])' for 'procctl ps'")
    }
    process = args.positionals.first
    app = args.value("app")
    json = args.flag("json")
  }

  public func validate() throws {
    try Lookup.checkAppName(app)
    if let process { try Name.validate(process, kind: "process name") }
  }

  public func run(_ context: Context) throws -> Int32 {
    var appFilter = try context.appNamed(app)
    let doc = try context.store.read()
    let catalogue = try context.store.catalogue()
    if process != nil || appFilter != nil {
      // A process name needs its application: --app, PROCCTL_APP, else the only one.
      appFilter = doc.apps[try Lookup.app(appFilter, in: doc, context: context)].name
    }
    if let process, let a = appFilter, let application = doc.app(named: a) {
      _ = try Lookup.process(process, in: application)
    }
    let status = StatusStore(paths: context.paths).readLive()
    let now = context.now()
    let rows = PsCommand.rows(
      doc: doc, catalogue: catalogue, status: status, app: appFilter, process: process, now: now)
    let cronStore = CronStore(paths: context.paths)
    let cron = CronJobView.rows(
      doc: doc, status: status == nil ? nil : cronStore.readStatus(), app: appFilter,
      process: process, history: { (try? cronStore.history(app: $0, process: $1)) ?? [] })
    if json {
      let sup = SupervisorView(
        running: status != nil, pid: status?.pid, startedAt: status?.startedAt.description)
      JSONOutput.write(
        PsView(supervisor: sup, instances: rows, cronJobs: cron), to: context)
    } else {
      if status == nil {
        context.note(
          "no supervisor is running for \(context.paths.home): showing the desired instances (start them with 'procctl up')"
        )
      }
      if rows.isEmpty && cron.isEmpty {
        context.note("no worker instances")
      } else if !rows.isEmpty {
        context.out.write(PsCommand.table(rows, now: now))
      }
      for r in rows {
        if let why = r.limitsError { context.note("\(r.app)/\(r.name): \(why)") }
      }
      if !cron.isEmpty {
        if !rows.isEmpty { context.out.write("\n") }
        context.out.write(CronJobView.table(cron, now: now, supervised: status != nil))
      }
    }
    return ExitCode.success
  }

  /// Desired instances joined with what the supervisor reports; instances still stopping after
  /// a scale-down or delete are listed too.
  static func rows(
    doc: StateDocument, catalogue: SizeCatalogue, status: SupervisorStatus?, app: String?,
    process: String?, now: Timestamp
  ) -> [InstanceView] {
    struct Key: Hashable {
      var app: String
      var process: String
      var instance: Int
    }
    var observed: [Key: InstanceStatus] = [:]
    for s in status?.instances ?? [] {
      observed[Key(app: s.app, process: s.process, instance: s.instance)] = s
    }
    var sizes: [String: PodSize?] = [:]
    var out: [InstanceView] = []
    out.reserveCapacity(observed.count + doc.apps.count)
    for a in doc.apps where app == nil || a.name == app {
      let absent =
        status.map { s in s.apps.map { $0.contains(a.name) } ?? true ? "pending" : "not supervised" }
        ?? "not running"
      for p in a.processes where p.type == .worker && (process == nil || p.name == process) {
        let size: PodSize?
        if let known = sizes[p.size] {
          size = known
        } else {
          size = catalogue.size(named: p.size)
          sizes[p.size] = size
        }
        for i in 1...max(1, p.instances) where i <= p.instances {
          if !observed.isEmpty,
            let s = observed.removeValue(forKey: Key(app: a.name, process: p.name, instance: i))
          {
            out.append(InstanceView(s, desired: true, now: now))
          } else {
            out.append(
              InstanceView(
                app: a.name, process: p.name, instance: i, state: absent, size: p.size,
                cpu: size.map { Double($0.milliCPU) / 1000 }, memoryMB: size?.memoryMB))
          }
        }
      }
    }
    // What is left is still stopping after a scale-down or delete.
    for s in status?.instances ?? []
    where observed[Key(app: s.app, process: s.process, instance: s.instance)] != nil
      && (app == nil || s.app == app) && (process == nil || s.process == process)
    {
      out.append(InstanceView(s, desired: false, now: now))
    }
    return out
  }


  static func table(_ rows: [InstanceView], now: Timestamp) -> String {
    var t = Table([
      .init("APP"), .init("NAME"), .init("STATE"), .init("PID", rightAligned: true),
      .init("UPTIME", rightAligned: true), .init("RESTARTS", rightAligned: true),
      .init("LAST EXIT"), .init("NEXT START"), .init("SIZE"), .init("MEM", rightAligned: true),
      .init("CPU", rightAligned: true),
    ])
    for r in rows {
      var next = "-"
      if let n = r.nextStartAt.flatMap(Timestamp.parse) {
        next = "in " + PsCommand.duration(max(0, Int(n.epochMs - now.epochMs)))
        if let attempts = r.backoffAttempts, attempts > 0 { next += " (attempt \(attempts + 1))" }
      }
      t.add([
        r.app, r.name, r.state, r.pid.map(String.init) ?? "-",
        r.uptimeMs.map { PsCommand.duration($0) } ?? "-", r.restarts.map(String.init) ?? "-",
        r.lastExit?.short ?? "-", next, r.size, PsCommand.memory(r), PsCommand.cpu(r),
      ])
    }
    // A paused rolling restart, once per process, under the table: the rows alone show one
    // instance in backoff and the others running, not that the update is stuck.
    var paused: [String] = []
    for r in rows {
      guard let why = r.rollout else { continue }
      let line = "rolling restart of \(r.app)/\(r.process) paused: \(why)\n"
      if !paused.contains(line) { paused.append(line) }
    }
    return t.render() + paused.joined()
  }

  /// "23M/256M": current use next to the limit ("-/256M" without cgroups; "-" when the
  /// instance runs without the limit because its cgroup could not be made).
  static func memory(_ r: InstanceView) -> String {
    if r.limitsError != nil { return "-" }
    let limit = r.memoryMB.map { $0 % 1024 == 0 ? "\($0 / 1024)G" : "\($0)M" } ?? "-"
    let used = r.memoryUsedBytes.map { b -> String in
      let mib = Double(b) / 1_048_576
      return mib < 10 ? String(Double(Int(mib * 10)) / 10) + "M" : "\(Int(mib.rounded()))M"
    }
    return "\(used ?? "-")/\(limit)"
  }

  /// "0.24/0.25": cores used on average since the current run started, next to the limit.
  static func cpu(_ r: InstanceView) -> String {
    if r.limitsError != nil { return "-" }
    let limit = r.cpu.map { c -> String in
      let s = String(c)
      return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    } ?? "-"
    let used = r.cpuUsed.map { u -> String in
      let h = Int((u * 100).rounded())
      return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }
    return "\(used ?? "-")/\(limit)"
  }

  /// "850ms", "12s", "3m04s", "2h05m", "3d04h".
  static func duration(_ ms: Int) -> String {
    if ms < 1000 { return "\(ms)ms" }
    let s = ms / 1000
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
    if s < 86400 { return "\(s / 3600)h\(two(s % 3600 / 60))m" }
    return "\(s / 86400)d\(two(s % 86400 / 3600))h"
  }
}

/// `ps --json`: the supervisor and its instances.
struct PsView {
  var supervisor: SupervisorView
  var instances: [InstanceView]
  /// Cron jobs: next run, active runs, last run.
  var cronJobs: [CronJobView]
}

struct SupervisorView {
  var running: Bool
  var pid: Int32?
  var startedAt: String?
}

/// One instance row of `ps` (human and JSON).
struct InstanceView {
  var app: String
  var process: String
  var instance: Int
  var name: String
  var state: String
  var pid: Int32?
  var startedAt: String?
  var uptimeMs: Int?
  var restarts: Int?
  var lastExit: ExitStatus?
  var lastExitAt: String?
  var nextStartAt: String?
  var backoffAttempts: Int?
  var error: String?
  /// Why the instance runs without its size's limits (its cgroup could not be made).
  var limitsError: String?
  /// Why the rolling restart of its process is paused, while it is.
  var rollout: String?
  var size: String
  var cpu: Double?
  var memoryMB: Int?
  /// Live use from the instance's cgroup (nil without cgroups or without a process).
  var memoryUsedBytes: Int?
  var cpuTimeMs: Int?
  var cpuUsed: Double?
  /// False for an instance that is still stopping after a scale-down or delete.
  var desired: Bool

  init(
    app: String, process: String, instance: Int, state: String, size: String, cpu: Double?,
    memoryMB: Int?
  ) {
    self.app = app
    self.process = process
    self.instance = instance
    self.name = "\(process).\(instance)"
    self.state = state
    self.size = size
    self.cpu = cpu
    self.memoryMB = memoryMB
    self.desired = true
  }

  init(_ s: InstanceStatus, desired: Bool, now: Timestamp) {
    app = s.app
    process = s.process
    instance = s.instance
    name = s.name
    state = s.state
    pid = s.pid
    startedAt = s.startedAt?.description
    if s.pid != nil, let st = s.startedAt { uptimeMs = max(0, Int(now.epochMs - st.epochMs)) }
    restarts = s.restarts
    lastExit = s.lastExit
    lastExitAt = s.lastExitAt?.description
    nextStartAt = s.nextStartAt?.description
    backoffAttempts = s.backoffAttempts
    error = s.error
    if s.pid != nil { limitsError = s.limitsError }
    rollout = s.rollout
    size = s.size
    cpu = Double(s.milliCPU) / 1000
    memoryMB = s.memoryMB
    self.desired = desired
    if s.pid != nil, let dirs = s.cgroup {
      let u = ResourceUsage.read(dirs: dirs)
      memoryUsedBytes = u.memoryBytes
      if let cpuUs = u.cpuMicroseconds {
        let run = max(0, cpuUs - (s.cpuUsecAtStart ?? 0))
        cpuTimeMs = run / 1000
        if let up = uptimeMs, up > 0 {
          cpuUsed = Double(Int(Double(run) / 1000 / Double(up) * 1000)) / 1000
        }
      }
    }
  }
}

/// `ps --json`, written with the core `JSONWriter` (10,000 instances: JSONEncoder alone took
/// most of the command's time). PsJSONTests checks that every field is written.
extension PsView: JSONWritable {
  func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("cronJobs", cronJobs)
    w.member("instances", instances)
    w.member("supervisor", supervisor)
    w.endObject()
  }

  func jsonDocument() -> [UInt8] { jsonDocument(capacity: 128 + instances.count * 512) }
}

extension SupervisorView: JSONWritable {
  func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("pid", ifPresent: pid.map { Int($0) })
    w.member("running", running)
    w.member("startedAt", ifPresent: startedAt)
    w.endObject()
  }
}

extension InstanceView: JSONWritable {
  func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("app", app)
    w.member("backoffAttempts", ifPresent: backoffAttempts)
    w.member("cpu", ifPresent: cpu)
    w.member("cpuTimeMs", ifPresent: cpuTimeMs)
    w.member("cpuUsed", ifPresent: cpuUsed)
    w.member("desired", desired)
    w.member("error", ifPresent: error)
    w.member("instance", instance)
    w.member("lastExit", ifPresent: lastExit)
    w.member("lastExitAt", ifPresent: lastExitAt)
    w.member("limitsError", ifPresent: limitsError)
    w.member("memoryMB", ifPresent: memoryMB)
    w.member("memoryUsedBytes", ifPresent: memoryUsedBytes)
    w.member("name", name)
    w.member("nextStartAt", ifPresent: nextStartAt)
    w.member("pid", ifPresent: pid.map { Int($0) })
    w.member("process", process)
    w.member("restarts", ifPresent: restarts)
    w.member("rollout", ifPresent: rollout)
    w.member("size", size)
    w.member("startedAt", ifPresent: startedAt)
    w.member("state", state)
    w.member("uptimeMs", ifPresent: uptimeMs)
    w.endObject()
  }
}
