#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore
import ProcctlStore

/// What the cron scheduler needs from the supervisor around it: the wall clock, one-shot timers,
/// starting a run's process and signalling its process group. The supervisor implements it over
/// its event loop and spawner; tests implement it with a fake clock and fake processes, so every
/// policy is checked without waiting for real minutes.
public protocol CronRuntime: AnyObject {
  /// Wall-clock now.
  func now() -> Timestamp
  /// Runs `action` once after `ms` milliseconds (a duration: timeouts, the stop ladder);
  /// returns a token for `cancelTimer`.
  func schedule(afterMs ms: Int, _ action: @escaping () -> Void) -> Int
  /// Runs `action` once when the wall clock reaches `at` (at once if past), also when it gets
  /// there by a host suspend or the clock being set; returns a token for `cancelTimer`.
  func schedule(at: Timestamp, _ action: @escaping () -> Void) -> Int
  func cancelTimer(_ token: Int)
  /// Starts a run's process; returns its pid (also its process group), or why it failed.
  func spawn(_ launch: CronLaunch) -> Result<Int32, CronSpawnFailure>
  /// Sends `signal` to the process group led by `pid`.
  func signalGroup(_ pid: Int32, _ signal: Int32)
  /// One line for the supervisor's event log.
  func log(_ line: String)
}

/// Why a run's process could not be started.
public struct CronSpawnFailure: Error, Sendable {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
}

/// Everything needed to start one run.
public struct CronLaunch: Sendable {
  public var app: String
  public var process: String
  public var spec: ProcessSpec
  public var size: PodSize
  public var runID: String
  public var scheduledAt: Timestamp
  public var logPath: String
  /// The run's PROCCTL_* variables (the runtime adds the supervisor's own marker).
  public var environment: [String: String]
}

/// The scheduler inside `procctl up`: one `CronJobMachine` per cron job decides; this class
/// performs the decisions (start runs, stop them with the stop ladder, time them out, persist the
/// last scheduled time before acting, record every run) and keeps one timer per job armed for
/// its next time, so the event loop sleeps until the earliest one. No periodic tick.
public final class CronScheduler {
  final class ActiveRun {
    var record: CronRun
    let pid: Int32
    let stopTimeoutMs: Int
    var timeoutTimer: Int?
    var killTimer: Int?
    var stopping = false
    init(record: CronRun, pid: Int32, stopTimeoutMs: Int) {
      self.record = record
      self.pid = pid
      self.stopTimeoutMs = stopTimeoutMs
    }
  }

  final class Job {
    let key: String
    var app: String
    var spec: ProcessSpec
    var size: PodSize
    var machine: CronJobMachine
    /// False once the job was deleted: its runs are stopping and nothing new starts.
    var wanted = true
    init(key: String, app: String, spec: ProcessSpec, size: PodSize, machine: CronJobMachine) {
      self.key = key
      self.app = app
      self.spec = spec
      self.size = size
      self.machine = machine
    }
  }

  let runtime: any CronRuntime
  let store: CronStore
  private var jobs: [String: Job] = [:]
  private var runsByPid: [Int32: (job: Job, run: ActiveRun)] = [:]
  private var memory: [String: CronJobMemory]
  /// The random part of new run ids (tests make it predictable to check that ids stay unique).
  public var randomBits: () -> UInt16 = { UInt16.random(in: 0...UInt16.max) }
  private var shuttingDown = false
  /// The one timer, armed for the earliest next run of all jobs.
  private var timer: Int?
  private var timerAt: Timestamp?
  /// Run histories changed since the last write (written after each batch, not per run, so a
  /// batch of runs due at the same second starts without waiting for the disk).
  private var historyCache: [String: [CronRun]] = [:]
  private var dirtyHistory: Set<String> = []
  /// Set whenever something `ps` shows changed; the supervisor writes the status after each
  /// loop iteration.
  public private(set) var statusDirty = true

  public init(runtime: any CronRuntime, store: CronStore) {
    self.runtime = runtime
    self.store = store
    self.memory = store.readMemory()
  }

  /// Number of runs whose processes are still alive.
  public var activeRunCount: Int { runsByPid.count }

  /// Makes the scheduled jobs match `doc`: new jobs start scheduling (catching up per their
  /// policy), changed ones reschedule at once, deleted ones stop their runs.
  public func apply(_ doc: StateDocument, catalogue: SizeCatalogue, apps filter: [String]) {
    guard !shuttingDown else { return }
    let now = runtime.now()
    var seen = Set<String>()
    let fallback = catalogue.size(named: SizeCatalogue.defaultSizeName) ?? catalogue.sizes[0]
    var memoryChanged = false
    for app in doc.apps where filter.isEmpty || filter.contains(app.name) {
      for spec in app.processes where spec.type == .cron {
        let key = "\(app.name)/\(spec.name)"
        let size = catalogue.size(named: spec.size) ?? fallback
        guard let schedule = try? CronSchedule(parsing: spec.schedule ?? ""),
          let zone = try? ZoneInfo.load(spec.timeZone ?? "UTC")
        else {
          runtime.log("\(key): schedule \"\(spec.schedule ?? "")\" not usable; not scheduled")
          continue
        }
        seen.insert(key)
        if let job = jobs[key], job.spec.createdAt == spec.createdAt {
          let before = job.spec
          job.spec = spec
          job.size = size
          if before.schedule != spec.schedule || before.timeZone != spec.timeZone
            || before.concurrency != spec.concurrency || before.catchUp != spec.catchUp
          {
            runtime.log("\(key): schedule \(spec.schedule ?? "") (\(zone.name)) applied")
            perform(
              job.machine.update(
                schedule: schedule, zone: zone, concurrency: spec.concurrency ?? .forbid,
                catchUp: spec.catchUp ?? .none, now: now), job)
          }
          if before.schedule != spec.schedule || before.timeZone != spec.timeZone {
            // The new schedule counts from now: a restart must not count missed times of the
            // new schedule from before it took effect.
            remember(job, max(job.machine.lastScheduled ?? now, now))
            memoryChanged = true
          }
          continue
        }
        if let old = jobs[key] { remove(old) }  // deleted and created again
        var runs = (try? store.history(app: app.name, process: spec.name)) ?? []
        closeAbandonedRuns(&runs, app: app.name, process: spec.name)
        let from = Self.windowStart(spec, memory: memory[key], history: runs)
        let job = Job(
          key: key, app: app.name, spec: spec, size: size,
          machine: CronJobMachine(
            schedule: schedule, zone: zone, concurrency: spec.concurrency ?? .forbid,
            catchUp: spec.catchUp ?? .none, lastScheduled: from))
        jobs[key] = job
        historyCache[key] = runs
        lastRecorded[key] = runs.last
        runtime.log("\(key): scheduled \"\(spec.schedule ?? "")\" in \(zone.name)")
        perform(job.machine.start(now: now), job)
        // Where the job's window starts is on disk before its first time comes, so a supervisor
        // stopped before then still counts that time as missed after a restart.
        let point = job.machine.lastScheduled ?? from
        if memory[key] != memoryEntry(job, point) {
          remember(job, point)
          memoryChanged = true
        }
      }
    }
    for (key, job) in jobs where !seen.contains(key) && job.wanted { remove(job) }
    // Forget jobs that are gone; keep the memory of applications another `up --app` runs.
    func ours(_ key: String) -> Bool {
      filter.isEmpty || filter.contains(String(key.prefix { $0 != "/" }))
    }
    if memory.keys.contains(where: { ours($0) && !seen.contains($0) }) {
      memory = memory.filter { !ours($0.key) || seen.contains($0.key) }
      memoryChanged = true
    }
    if memoryChanged { saveMemory() }
    finishBatch()
  }

  /// `procctl cron run`: a run now, subject to the overlap policy.
  public func manualRun(app: String, process: String) -> CronRunReply {
    guard !shuttingDown else { return CronRunReply(runID: nil, outcome: nil, error: "supervisor is stopping") }
    guard let job = jobs["\(app)/\(process)"], job.wanted else {
      return CronRunReply(
        runID: nil, outcome: nil, error: "cron job \(app)/\(process) is not scheduled by this supervisor")
    }
    let ids = perform(job.machine.manualRun(now: runtime.now()), job)
    finishBatch()
    guard let (id, outcome) = ids.last else {
      return CronRunReply(runID: nil, outcome: nil, error: "no run was started")
    }
    return CronRunReply(runID: id, outcome: outcome)
  }

  /// A child exited; true when it was one of our runs.
  public func childExited(pid: Int32, waitStatus: Int32) -> Bool {
    guard let (job, run) = runsByPid.removeValue(forKey: pid) else { return false }
    // Whatever the run left in its process group goes with it.
    runtime.signalGroup(pid, SIGKILL)
    if let note = reaped?(pid, waitStatus) { run.record.error = note }
    for t in [run.timeoutTimer, run.killTimer].compactMap({ $0 }) { runtime.cancelTimer(t) }
    let exited = waitStatus & 0x7f == 0
    run.record.finish(
      at: runtime.now(), exitCode: exited ? Int((waitStatus >> 8) & 0xff) : nil,
      signal: exited ? nil : Int(waitStatus & 0x7f))
    let r = run.record
    runtime.log(
      "\(job.key) run \(r.id) ended: \(r.outcome.rawValue)"
        + (r.exitCode.map { ", exit \($0)" } ?? r.signal.map { ", signal \($0)" } ?? "")
        + ", ran \(DurationSpec.describe(ms: Int(r.durationMs ?? 0)))")
    job.machine.runEnded(r.id)
    if job.wanted { record(r, job) }
    statusDirty = true
    finishBatch()
    return true
  }

  /// SIGTERM/SIGINT to the supervisor: stop every active run with the stop ladder.
  public func shutdown() {
    shuttingDown = true
    if let t = timer { runtime.cancelTimer(t) }
    timer = nil
    for (_, run) in runsByPid.values {
      run.record.error = "stopped because the supervisor shut down"
      stop(run, outcome: nil)
    }
    flushHistory()
  }

  /// A second SIGTERM/SIGINT: SIGKILL every run at once.
  public func killAll() {
    for (_, run) in runsByPid.values { runtime.signalGroup(run.pid, SIGKILL) }
  }

  /// The pids of active runs (children the supervisor must not treat as strays).
  public var activePids: [Int32] { Array(runsByPid.keys) }

  /// The active runs, for telling their descendants from strays.
  public var activeRuns: [(app: String, process: String, id: String)] {
    runsByPid.values.map { ($0.job.app, $0.job.spec.name, $0.run.record.id) }
  }

  /// Called once a run's process was reaped (the supervisor's guard and cgroup cleanup); may
  /// return a note for the run's record, such as an OOM kill.
  public var reaped: ((_ pid: Int32, _ waitStatus: Int32) -> String?)?

  public func status() -> [CronJobStatus] {
    statusDirty = false
    return jobs.values.filter(\.wanted).sorted { $0.key < $1.key }.map { job in
      let active = runsByPid.values.filter { $0.job === job }.map {
        CronJobStatus.ActiveRun(
          id: $0.run.record.id, pid: $0.run.pid,
          startedAt: $0.run.record.startedAt ?? $0.run.record.scheduledAt)
      }.sorted { $0.startedAt < $1.startedAt }
      return CronJobStatus(
        app: job.app, process: job.spec.name, nextRunAt: job.machine.nextFire,
        activeRuns: active, lastRun: lastRecorded[job.key])
    }
  }

  private var lastRecorded: [String: CronRun] = [:]

  // MARK: effects

  /// Performs the machine's effects; returns the ids of the runs started or recorded.
  @discardableResult
  private func perform(_ effects: [CronJobMachine.Effect], _ job: Job) -> [(String, CronOutcome)] {
    var ids: [(String, CronOutcome)] = []
    for effect in effects {
      switch effect {
      case .persistLastScheduled(let t):
        // The timer batch persists before performing (see `fire`); elsewhere, at once.
        remember(job, t)
        if !inBatch { saveMemory() }
      case .start(let scheduledAt, let trigger):
        let r = startRun(job, scheduledAt: scheduledAt, trigger: trigger)
        ids.append((r.id, r.outcome))
      case .stop(let runID, let outcome):
        // Run ids are unique per job, not across jobs.
        let own = runsByPid.values.first { $0.job === job && $0.run.record.id == runID }
        if let run = own?.run {
          runtime.log("\(job.key) run \(runID): \(outcome.rawValue) by a newer run")
          stop(run, outcome: outcome)
        }
      case .record(let scheduledAt, let trigger, let outcome):
        let r = CronRun(
          id: newRunID(job), app: job.app, process: job.spec.name, trigger: trigger,
          scheduledAt: scheduledAt, outcome: outcome,
          error: outcome == .skipped ? "the previous run was still active (concurrency forbid)" : nil)
        runtime.log("\(job.key) \(stamp(scheduledAt, job)): \(outcome.rawValue)")
        record(r, job)
        ids.append((r.id, r.outcome))
      case .arm:
        statusDirty = true
      }
    }
    return ids
  }

  /// True while `fire` performs a batch whose memory it has already written.
  private var inBatch = false

  /// The timer: every job whose time has come acts on it. Their last scheduled times are
  /// written to disk once, before any run starts (never twice, even after a crash).
  private func fire() {
    timer = nil
    timerAt = nil
    guard !shuttingDown else { return }
    let now = runtime.now()
    var batch: [(Job, [CronJobMachine.Effect])] = []
    for job in jobs.values.sorted(by: { $0.key < $1.key })
    where job.wanted && (job.machine.nextFire.map { $0 <= now } ?? false) {
      batch.append((job, job.machine.timerFired(now: now)))
    }
    var persist = false
    for (job, effects) in batch {
      for case .persistLastScheduled(let t) in effects {
        remember(job, t)
        persist = true
      }
    }
    if persist { saveMemory() }
    inBatch = true
    for (job, effects) in batch { perform(effects, job) }
    inBatch = false
    finishBatch()
  }

  /// After any change: history to disk, and the timer at the earliest next run.
  private func finishBatch() {
    flushHistory()
    guard !shuttingDown else { return }
    let earliest = jobs.values.compactMap { $0.wanted ? $0.machine.nextFire : nil }.min()
    if earliest == timerAt && (timer != nil || earliest == nil) { return }
    if let t = timer { runtime.cancelTimer(t) }
    timer = nil
    timerAt = earliest
    guard let at = earliest else { return }
    // A wall-clock deadline: a suspend or a clock set forward past it fires it at once, a
    // clock set back leaves it at its time; nothing wakes up in between.
    timer = runtime.schedule(at: at) { [unowned self] in self.fire() }
  }

  private func startRun(_ job: Job, scheduledAt: Timestamp, trigger: CronTrigger) -> CronRun {
    let id = newRunID(job)
    let now = runtime.now()
    let logPath = store.runLogPath(app: job.app, process: job.spec.name, runID: id)
    var entry = CronRun(
      id: id, app: job.app, process: job.spec.name, trigger: trigger, scheduledAt: scheduledAt,
      startedAt: now, outcome: .running, logPath: logPath)
    let env = [
      "PROCCTL_APP": job.app, "PROCCTL_PROCESS": job.spec.name, "PROCCTL_INSTANCE": "1",
      "PROCCTL_RUN_ID": id, "PROCCTL_SCHEDULED_AT": scheduledAt.rfc3339(offsetSeconds: 0, fraction: false),
      "PROCCTL_POD_SIZE": job.size.name, "PROCCTL_CPU": job.size.cpuDescription,
      "PROCCTL_MEMORY_MB": "\(job.size.memoryMB)",
    ]
    let launch = CronLaunch(
      app: job.app, process: job.spec.name, spec: job.spec, size: job.size, runID: id,
      scheduledAt: scheduledAt, logPath: logPath, environment: env)
    switch runtime.spawn(launch) {
    case .success(let pid):
      entry.pid = pid
      let run = ActiveRun(record: entry, pid: pid, stopTimeoutMs: job.spec.stopTimeoutMs)
      runsByPid[pid] = (job, run)
      job.machine.runStarted(id)
      if let ms = job.spec.timeoutMs, ms > 0 {
        run.timeoutTimer = runtime.schedule(afterMs: ms) { [unowned self, unowned run] in
          run.timeoutTimer = nil
          guard self.runsByPid[run.pid] != nil, !run.stopping else { return }
          self.runtime.log(
            "\(job.key) run \(run.record.id) timed out after \(DurationSpec.describe(ms: ms))")
          self.stop(run, outcome: .timedOut)
          self.flushHistory()
        }
      }
      runtime.log(
        "\(job.key) run \(id) started (pid \(pid), \(trigger.rawValue), scheduled \(stamp(scheduledAt, job)))")
      record(entry, job)
    case .failure(let why):
      entry.outcome = .failed
      entry.error = why.reason
      entry.endedAt = now
      entry.durationMs = 0
      entry.activeSeconds = 0
      runtime.log("\(job.key) run \(id) could not start: \(why.reason)")
      record(entry, job)
    }
    statusDirty = true
    return entry
  }

  /// The stop ladder: SIGTERM to the run's group, SIGKILL after the job's stop timeout.
  private func stop(_ run: ActiveRun, outcome: CronOutcome?) {
    if let outcome, run.record.outcome == .running { run.record.outcome = outcome }
    guard !run.stopping else { return }
    run.stopping = true
    runtime.signalGroup(run.pid, SIGTERM)
    run.killTimer = runtime.schedule(afterMs: run.stopTimeoutMs) { [unowned self, unowned run] in
      run.killTimer = nil
      if self.runsByPid[run.pid] != nil { self.runtime.signalGroup(run.pid, SIGKILL) }
    }
    if let pair = runsByPid[run.pid], pair.job.wanted { record(run.record, pair.job) }
  }

  private func remove(_ job: Job) {
    job.wanted = false
    jobs[job.key] = nil
    runtime.log("\(job.key): removed; stopping its active runs")
    for (j, run) in runsByPid.values where j === job { stop(run, outcome: nil) }
    memory[job.key] = nil
    saveMemory()
    store.removeHistory(app: job.app, process: job.spec.name)
    historyCache[job.key] = nil
    dirtyHistory.remove(job.key)
    lastRecorded[job.key] = nil
    statusDirty = true
  }

  /// Runs recorded as active by a supervisor that was killed: their processes were ended with
  /// it (guard, leftover sweep), so they are recorded as failed, not left running forever.
  private func closeAbandonedRuns(_ runs: inout [CronRun], app: String, process: String) {
    guard runs.contains(where: { $0.outcome == .running }) else { return }
    for i in runs.indices where runs[i].outcome == .running {
      runs[i].outcome = .failed
      runs[i].error = "the supervisor stopped before the run ended"
    }
    do { try store.writeHistory(runs, app: app, process: process) } catch {
      runtime.log("\(app)/\(process): could not update its run history: \(error.description)")
    }
  }

  /// Where a newly scheduled job's missed times start counting (exclusive). From the memory
  /// when it is this job's (same creation time); if its schedule or zone changed while no
  /// supervisor ran, no earlier than the job's last change (`updatedAt`: the new schedule took
  /// effect then or before). A job never scheduled before (or whose memory is gone) counts from
  /// its last change, which is its creation unless it was updated. Never before the latest
  /// scheduled time in its history, so a lost memory file cannot run a time twice. Any later
  /// start leaves times out; none runs twice.
  static func windowStart(_ spec: ProcessSpec, memory: CronJobMemory?, history: [CronRun])
    -> Timestamp
  {
    var from = spec.updatedAt
    if let m = memory, m.jobCreatedAt == spec.createdAt {
      let zone = spec.timeZone ?? "UTC"
      let same = (m.schedule ?? spec.schedule) == spec.schedule && (m.timeZone ?? zone) == zone
      from = same ? m.lastScheduledAt : max(m.lastScheduledAt, spec.updatedAt)
    }
    let recorded = history.lazy.filter { $0.trigger != .manual }.map(\.scheduledAt).max()
    return max(from, recorded ?? from)
  }

  private func memoryEntry(_ job: Job, _ t: Timestamp) -> CronJobMemory {
    CronJobMemory(
      lastScheduledAt: t, jobCreatedAt: job.spec.createdAt, schedule: job.spec.schedule,
      timeZone: job.spec.timeZone ?? "UTC")
  }

  /// Notes the job's last scheduled time (its window's start) for `saveMemory`.
  private func remember(_ job: Job, _ t: Timestamp) { memory[job.key] = memoryEntry(job, t) }

  /// Adds or updates the run in the job's history (written by `flushHistory`).
  private func record(_ run: CronRun, _ job: Job) {
    lastRecorded[job.key] = run
    statusDirty = true
    var runs = history(job)
    if let i = runs.lastIndex(where: { $0.id == run.id }) { runs[i] = run } else { runs.append(run) }
    if runs.count > CronRun.historyLimit * 2 { runs.removeFirst(runs.count - CronRun.historyLimit * 2) }
    historyCache[job.key] = runs
    dirtyHistory.insert(job.key)
  }

  /// The job's recorded runs, oldest first (read once, then kept in the cache).
  private func history(_ job: Job) -> [CronRun] {
    if let cached = historyCache[job.key] { return cached }
    let runs = (try? store.history(app: job.app, process: job.spec.name)) ?? []
    historyCache[job.key] = runs
    return runs
  }

  /// Writes the histories changed since the last call (the last 50 runs each).
  public func flushHistory() {
    for key in dirtyHistory.sorted() {
      guard let runs = historyCache[key], let slash = key.firstIndex(of: "/") else { continue }
      let app = String(key[..<slash])
      let process = String(key[key.index(after: slash)...])
      do {
        try store.writeHistory(runs, app: app, process: process)
        historyCache[key] = Array(runs.suffix(CronRun.historyLimit))
      } catch {
        runtime.log("\(key): could not record its runs: \(error.description)")
      }
    }
    dirtyHistory.removeAll()
  }

  private func saveMemory() {
    do { try store.writeMemory(memory) } catch {
      runtime.log("could not save the cron scheduler's memory: \(error.description)")
    }
  }

  private func stamp(_ t: Timestamp, _ job: Job) -> String {
    t.rfc3339(offsetSeconds: job.machine.zone.offset(at: t), fraction: false, zulu: false)
  }

  /// "20261203-193000-3fa9": UTC time plus 16 random bits; sorts by time. Unique per job: a
  /// random part already taken in the same second (by a recorded or an active run of the job,
  /// e.g. a batch of missed times recorded at once) is counted up to the next free one.
  private func newRunID(_ job: Job) -> String {
    let s = runtime.now().rfc3339(offsetSeconds: 0, fraction: false)
    let digits = s.filter { $0.isNumber }
    let prefix = "\(digits.prefix(8))-\(digits.dropFirst(8).prefix(6))-"
    let runs = history(job)
    var taken = Set(runs.lazy.map(\.id).filter { $0.hasPrefix(prefix) })
    for (j, run) in runsByPid.values where j === job { taken.insert(run.record.id) }
    var r = randomBits()
    // At most 100 recorded plus the active runs are taken: this ends long before wrapping.
    for _ in 0...UInt16.max {
      var hex = String(r, radix: 16)
      while hex.count < 4 { hex = "0" + hex }
      if !taken.contains(prefix + hex) { return prefix + hex }
      r &+= 1
    }
    return prefix + String(r, radix: 16)
  }
}
