#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore
import ProcctlStore

/// What `procctl up` was asked to do.
public struct SupervisorOptions: Sendable {
  public var paths: StatePaths
  /// Applications to supervise; empty: all.
  public var apps: [String]
  /// The environment instances inherit (the supervisor's own), before the process's `env` and
  /// the PROCCTL_* variables are laid over it.
  public var environment: [String: String]
  /// How pod sizes are enforced (nil: detect the best available at start).
  public var limits: LimitsDetection?

  public init(
    paths: StatePaths, apps: [String] = [], environment: [String: String],
    limits: LimitsDetection? = nil
  ) {
    self.paths = paths
    self.apps = apps
    self.environment = environment
    self.limits = limits
  }
}

/// `procctl up`: keeps every worker instance of the state file running.
///
/// Desired state (state.json, re-read when inotify sees its atomic rename) is reconciled against
/// observed state (the instances below). Each instance's life is an `InstanceMachine`; this class
/// only performs the effects it returns. Everything runs on one thread in one `EventLoop`.
public final class Supervisor {
  enum Phase { case running, stopping, killing }

  let options: SupervisorOptions
  let store: StateStore
  let statusStore: StatusStore
  let loop: EventLoop
  public let events: EventLog
  /// Where instance output goes (issue 4 replaces it with pipes and a log writer).
  public var output: any InstanceOutput
  /// Adds cgroup.procs paths / rlimit to a spawn (issue 4 plugs its cgroup driver in here).
  public var prepareSpawn: ((InstanceKey, PodSize, inout SpawnRequest) -> Void)?
  /// Called after an instance's process is reaped (issue 4: cgroup cleanup, OOM detection).
  public var instanceReaped: ((InstanceKey, Int32) -> Void)?

  private var phase = Phase.running
  /// Cgroups / RLIMIT_AS and the log pipes (issue 4).
  var limits: LimitsDriver?
  private var groups: [ProcessKey: ProcessGroup] = [:]
  private var byPid: [Int32: Instance] = [:]
  private var statusDirty = true
  /// An instance reached its min-uptime in this loop iteration: look at what was adopted.
  private var sweepPending = false
  /// When the current guard process was started (monotonic ns).
  private var guardStartedNs: UInt64 = 0
  private var lock: FileLock?
  var guardProcess: SupervisorGuard?
  private var signalFD: Int32 = -1
  private var inotifyFD: Int32 = -1
  /// Watches added by components (cron's request drop box), by watch descriptor.
  private var extraWatches: [Int32: () -> Void] = [:]
  private var homeWatch: Int32 = -1
  private var runWatch: Int32 = -1
  var devNull: Int32 = -1
  private var appliedRevision = 0
  private var startedAtMs: Int64 = 0
  private var selfTicks: UInt64 = 0
  /// "PID.TICKS": names this supervisor run in its instances' PROCCTL_INSTANCE_ID.
  var runID = ""
  /// The supervisor's environment minus PROCCTL_* variables (cron runs start from it).
  var baseEnvironment: [String] = []
  /// The cron scheduler (issue 5) and its runtime on this loop.
  var cron: CronScheduler?
  var cronRuntime: CronSupervisorRuntime?
  private var rng = SystemRandomNumberGenerator()
  /// Set by a reconcile: give back the memory only that work needed, once the loop is idle.
  private var trimPending = true

  public init(options: SupervisorOptions) throws(SupervisorError) {
    self.options = options
    self.store = StateStore(paths: options.paths)
    self.statusStore = StatusStore(paths: options.paths)
    self.loop = try EventLoop()
    self.events = EventLog()
    self.output = FileInstanceOutput(logsDir: options.paths.logsDir)
  }

  /// The loop, for components that add their own descriptors or timers (log pipes, cron).
  public var eventLoop: EventLoop { loop }

  // MARK: start and stop

  /// Runs until SIGTERM/SIGINT has stopped every instance. Returns the exit code (0).
  public func run() throws(SupervisorError) -> Int32 {
    // What `up`'s probe made for this run goes again if the run fails before it is prepared
    // (another supervisor holds the directory, the state is unreadable, ...).
    var cgroupsPrepared = false
    defer {
      if !cgroupsPrepared, let d = options.limits { CgroupDetector.removeProbeRoots(d) }
    }
    let paths = options.paths
    do {
      try FileIO.makeDirectories(paths.home)
      try FileIO.makeDirectories(paths.runDir)
    } catch { throw .store(error) }
    try acquireLock()

    let pid = getpid()
    selfTicks = ProcStat.startTicks(pid: pid) ?? 0
    runID = "\(pid).\(selfTicks)"
    startedAtMs = cprocctl_realtime_ms()
    cprocctl_ignore_sigpipe()
    var sigs: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGHUP]
    signalFD = cprocctl_signalfd(&sigs, Int32(sigs.count))
    if signalFD < 0 { throw .system(call: "signalfd", errno: cprocctl_errno()) }
    try loop.watch(signalFD) { [unowned self] _ in self.readSignals() }

    // Watch before the first read, so a change committed meanwhile is not missed.
    inotifyFD = cprocctl_inotify_init()
    if inotifyFD < 0 { throw .system(call: "inotify_init1", errno: cprocctl_errno()) }
    homeWatch = cprocctl_inotify_watch(
      inotifyFD, paths.home, cprocctl_in_moved_to() | cprocctl_in_close_write())
    runWatch = cprocctl_inotify_watch(inotifyFD, paths.runDir, cprocctl_in_moved_to())
    if homeWatch < 0 || runWatch < 0 {
      throw .system(call: "inotify_add_watch", errno: cprocctl_errno())
    }
    try loop.watch(inotifyFD) { [unowned self] _ in self.readInotify() }

    let doc: StateDocument
    do { doc = try store.read() } catch { throw .store(error) }
    for name in options.apps where doc.app(named: name) == nil {
      throw .appNotFound(name: name, known: doc.apps.map(\.name))
    }

    devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
    if devNull < 0 { throw .system(call: "open /dev/null", errno: cprocctl_errno()) }
    baseEnvironment = options.environment.compactMap { k, v in
      k.hasPrefix("PROCCTL_") ? nil : "\(k)=\(v)"
    }

    events.file = EventFileWriter(path: paths.logsDir + "/events.log")
    let detection = options.limits ?? CgroupDetector.auto()
    let driver = LimitsDriver(detection: detection, paths: paths, loop: loop)
    driver.rotationFor = { [unowned self] key in
      let spec = self.groups[key.processKey]?.desired
      return LogRotation(maxBytes: spec?.logMaxSize, files: spec?.logFiles)
    }
    limits = driver
    output = driver
    events.emit(.note(detection.summary))

    killLeftovers()
    do {
      let stale = try driver.start()
      cgroupsPrepared = true
      if stale.groupsRemoved > 0 || stale.processesKilled > 0 {
        events.emit(
          .note(
            "removed \(stale.groupsRemoved) cgroup(s) left by a previous run, ending \(stale.processesKilled) process(es)"
          ))
      }
      for left in stale.groupsLeft { events.emit(.note("could not remove stale cgroup \(left)")) }
    } catch {
      throw .store(error)
    }
    // Orphans of our instances (double-forked daemons) are reparented to us, so a stop can end
    // them too.
    if cprocctl_set_subreaper() != 0 {
      throw .system(call: "prctl(PR_SET_CHILD_SUBREAPER)", errno: cprocctl_errno())
    }
    guardProcess = try newGuard()
    loop.onEachIteration { [unowned self] in self.endOfIteration() }
    events.emit(.supervisorStarted(pid: pid, home: paths.home, apps: options.apps))
    clearRequests()
    cron = try startCron()
    // From here on, event lines are written once per loop iteration (endOfIteration).
    events.buffered = true
    defer {
      events.buffered = false
      events.flush()
    }
    reconcile(doc)
    endOfIteration()
    try loop.run()

    limits?.shutdown()
    statusStore.remove()
    guardProcess?.disarm()
    events.emit(.supervisorStopped)
    return 0
  }

  private func acquireLock() throws(SupervisorError) {
    let path = options.paths.supervisorLockFile
    var held: FileLock?
    // A supervisor that was just killed may still be releasing its files (its pid is gone or a
    // zombie): give it a moment instead of refusing. A live holder is refused at once.
    let deadline = EventLoop.nowNs + 1_000_000_000
    while true {
      do { held = try FileLock.tryLock(path: path) } catch { throw .store(error) }
      if held != nil { break }
      var holder: Int32?
      if let bytes = try? FileIO.readFile(path) {
        holder = Int32(String(decoding: bytes, as: UTF8.self).filter { $0.isNumber })
      }
      let exiting = holder.map { isGoneOrExiting($0) } ?? false
      if !exiting || EventLoop.nowNs > deadline {
        throw .alreadyRunning(pid: holder, home: options.paths.home)
      }
      usleep(5000)
    }
    guard let held else { throw .alreadyRunning(pid: nil, home: options.paths.home) }
    lock = held
    // The holder's pid, for the second `up` to name.
    let text = Array("\(getpid())\n".utf8)
    _ = ftruncate(held.fd, 0)
    _ = text.withUnsafeBytes { pwrite(held.fd, $0.baseAddress, $0.count, 0) }
  }

  /// Ends whatever a previous supervisor of this directory left running (it was killed, so its
  /// status file is still there): its recorded process groups, if the pids still belong to the
  /// same processes (start time checked), and every process carrying its run marker.
  private func killLeftovers() {
    guard let old = statusStore.read() else { return }
    var killed = Set<Int32>()
    var waitFor: [(Int32, UInt64)] = []
    for inst in old.instances {
      guard let pid = inst.pid, let ticks = inst.procStartTicks else { continue }
      if ProcStat.startTicks(pid: pid) == ticks && !isGoneOrExiting(pid) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        killed.insert(pid)
        waitFor.append((pid, ticks))
      }
    }
    let marker = "PROCCTL_INSTANCE_ID=\(old.pid).\(old.procStartTicks)/"
    var marked = 0
    let deadline = EventLoop.nowNs + 2_000_000_000
    while true {
      let n = Int(marker.withCString { cprocctl_signal_marked($0, SIGKILL) })
      marked = max(marked, n)
      waitFor.removeAll { ProcStat.startTicks(pid: $0.0) != $0.1 || isGoneOrExiting($0.0) }
      if (n == 0 && waitFor.isEmpty) || EventLoop.nowNs > deadline { break }
      usleep(2000)
    }
    // Marked processes include the recorded leaders when they were still alive.
    let count = max(killed.count, marked)
    if count > 0 { events.emit(.leftoversKilled(count: count)) }
    statusStore.remove()
  }

  /// True when `pid` is gone, a zombie, or exiting: a killed process keeps its pid (state R,
  /// no memory left) for a moment while the kernel closes its files, which releases its locks.
  private func isGoneOrExiting(_ pid: Int32) -> Bool {
    guard let bytes = try? FileIO.readFile("/proc/\(pid)/stat"),
      let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count
    else { return true }
    let state = bytes[close + 2]
    if state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") { return true }
    // Field 23 is vsize: 0 once the address space was released in exit (kernel threads aside).
    let fields = bytes[(close + 2)...].split(separator: UInt8(ascii: " "))
    return fields.count > 20 && fields[20].elementsEqual("0".utf8)
  }


  private func beginShutdown(signal: Int32) {
    let all = allInstances()
    events.emit(
      .shuttingDown(signal: signal, instances: all.count, cronRuns: cron?.activeRunCount ?? 0))
    phase = .stopping
    for inst in all { apply(inst, .stop) }
    cron?.shutdown()
    checkShutdownDone()
  }

  private func escalate(signal: Int32) {
    events.emit(.escalating(signal: signal))
    phase = .killing
    for inst in allInstances() { apply(inst, .kill) }
    cron?.killAll()
    sweepOrphans()
    checkShutdownDone()
  }

  /// Once every instance is gone, ends what they left behind and waits for it; then stops.
  private func checkShutdownDone() {
    guard phase != .running, groups.isEmpty, (cron?.activeRunCount ?? 0) == 0 else { return }
    let rest = children().filter { $0 != guardProcess?.pid }
    if rest.isEmpty {
      loop.stop()
      return
    }
    for pid in rest {
      kill(-pid, SIGKILL)
      kill(pid, SIGKILL)
    }
  }

  private func allInstances() -> [Instance] {
    groups.values.flatMap { $0.instances.values }.sorted { a, b in
      (a.key.app, a.key.process, a.key.index) < (b.key.app, b.key.process, b.key.index)
    }
  }

  // MARK: events from the kernel

  private func readSignals() {
    while true {
      let sig = cprocctl_signalfd_read(signalFD)
      if sig <= 0 { return }
      switch sig {
      case SIGCHLD: reapAll()
      case SIGTERM, SIGINT:
        if phase == .running { beginShutdown(signal: sig) } else { escalate(signal: sig) }
      case SIGHUP: reconcileFromDisk()
      default: break
      }
    }
  }

  /// Reaps every exited child (SIGCHLD coalesces: one signal may stand for many exits).
  private func reapAll() {
    var status: Int32 = 0
    var any = false
    while true {
      let pid = cprocctl_reap(&status)
      if pid <= 0 { break }
      any = true
      if let inst = byPid.removeValue(forKey: pid) {
        processExited(inst, status: status)
      } else if cron?.childExited(pid: pid, waitStatus: status) == true {
        continue
      } else if pid == guardProcess?.pid {
        // One that could not even set itself up (cprocctl_guard_start) would fail again: no
        // restart loop, the run goes on without a guard and says so.
        if EventLoop.nowNs &- guardStartedNs < 1_000_000_000 {
          events.emit(.note("guard process \(pid) exited at once; running without one"))
          guardProcess = nil
        } else {
          events.emit(.note("guard process \(pid) exited; starting a new one"))
          restartGuard()
        }
      }
    }
    if any {
      sweepOrphans()
      checkShutdownDone()
    }
  }

  private func processExited(_ inst: Instance, status: Int32) {
    let pid = inst.pid
    let ranMs = Int((EventLoop.nowNs &- inst.startedMonoNs) / 1_000_000)
    // Whatever the leader left in its group goes with it: never two copies of an instance.
    kill(-pid, SIGKILL)
    guardProcess?.remove(pid)
    output.exited(inst.key)
    instanceReaped?(inst.key, status)
    inst.pid = 0
    inst.procStartTicks = nil
    // Ends what is left in its cgroup; tells an OOM kill from a plain SIGKILL.
    let exit = limits?.reaped(inst.key, waitStatus: status) ?? ExitStatus(waitStatus: status)
    inst.lastExit = exit
    inst.lastExitAtMs = cprocctl_realtime_ms()
    events.emit(.exited(inst.key, pid: pid, status: exit, ranForMs: ranMs))
    apply(inst, .exited(ranForMs: ranMs))
  }

  private func readInotify() {
    var buf = [UInt8](repeating: 0, count: 4096)
    var stateChanged = false
    var requests: [String] = []
    var woken: [Int32] = []
    while true {
      let n = buf.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      var off = 0
      // struct inotify_event { int wd; uint32 mask; uint32 cookie; uint32 len; char name[] }
      while off + 16 <= n {
        let wd = buf.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: off, as: Int32.self) }
        let len = Int(buf.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: off + 12, as: UInt32.self) })
        let nameBytes = buf[(off + 16)..<min(n, off + 16 + len)].prefix { $0 != 0 }
        let name = String(decoding: nameBytes, as: UTF8.self)
        if wd == homeWatch && (name == "state.json" || name == "sizes.json") { stateChanged = true }
        if wd == runWatch && name.hasSuffix(".request") { requests.append(name) }
        if extraWatches[wd] != nil, !woken.contains(wd) { woken.append(wd) }
        off += 16 + len
      }
    }
    if stateChanged { reconcileFromDisk() }
    for r in requests { handleRequest(r) }
    for wd in woken { extraWatches[wd]?() }
  }

  /// Watches one more directory on the supervisor's own inotify instance (one instance per
  /// process: each costs its exit an SRCU grace period, see `cprocctl_guard_start`). `onEvent`
  /// runs once per loop wake-up in which `mask` events arrived for `path`.
  func watchDirectory(_ path: String, mask: UInt32, _ onEvent: @escaping () -> Void)
    throws(SupervisorError)
  {
    let wd = cprocctl_inotify_watch(inotifyFD, path, mask)
    if wd < 0 { throw .system(call: "inotify_add_watch", errno: cprocctl_errno()) }
    extraWatches[wd] = onEvent
  }

  // MARK: desired state

  private func reconcileFromDisk() {
    guard phase == .running else { return }
    do {
      reconcile(try store.read())
    } catch {
      events.emit(.stateUnreadable(reason: error.description))
    }
  }

  /// Makes the instances match `doc`: start what is missing, stop what is no longer wanted,
  /// roll what changed. Instances that are untouched keep running with their pids.
  private func reconcile(_ doc: StateDocument) {
    appliedRevision = doc.revision
    let catalogue: SizeCatalogue
    do { catalogue = try store.catalogue() } catch {
      events.emit(.stateUnreadable(reason: error.description))
      catalogue = .builtIn
    }
    let fallback = catalogue.size(named: SizeCatalogue.defaultSizeName) ?? catalogue.sizes[0]
    var wanted = Set<ProcessKey>()
    for app in doc.apps where options.apps.isEmpty || options.apps.contains(app.name) {
      for spec in app.processes where spec.type == .worker {
        let key = ProcessKey(app: app.name, process: spec.name)
        wanted.insert(key)
        let size = catalogue.size(named: spec.size) ?? fallback
        let group: ProcessGroup
        if let g = groups[key] {
          group = g
          if let old = g.desired {
            if old.instances != spec.instances {
              events.emit(.scaled(key, from: old.instances, to: spec.instances))
            }
            if spec.needsRestart(comparedTo: old) { events.emit(.rollingRestart(key)) }
          } else {
            events.emit(.created(key, instances: spec.instances))
          }
          g.desired = spec
          if g.size != size { resizeInPlace(g, to: size) }
          g.size = size
        } else {
          group = ProcessGroup(key: key, desired: spec, size: size)
          groups[key] = group
          events.emit(.created(key, instances: spec.instances))
        }
        for index in 1...max(1, spec.instances) where index <= spec.instances {
          if let inst = group.instances[index] {
            inst.machine.minUptimeMs = spec.minUptimeMs
            inst.machine.stopTimeoutMs = spec.stopTimeoutMs
            // One in backoff keeps the spec it failed with: `rollingStep` starts it at once
            // when that is outdated, without waiting out the old spec's crash-loop delay.
            if case .exited = inst.machine.state {
              inst.spec = spec
              inst.size = size
            }
            if case .stopping(then: .remove) = inst.machine.state { apply(inst, .start) }
          } else {
            let key = InstanceKey(app: app.name, process: spec.name, index: index)
            let inst = Instance(key: key, spec: spec, size: size)
            group.instances[index] = inst
            apply(inst, .start)
          }
        }
        for inst in group.instances.values.sorted(by: { $0.key.index > $1.key.index })
        where inst.key.index > spec.instances {
          apply(inst, .stop)
        }
        rollingStep(key)
      }
    }
    for (key, group) in groups where !wanted.contains(key) && group.desired != nil {
      group.desired = nil
      group.rollPaused = nil
      events.emit(.deleted(key))
      for inst in group.instances.values.sorted(by: { $0.key.index < $1.key.index }) {
        apply(inst, .stop)
      }
    }
    cron?.apply(doc, catalogue: catalogue, apps: options.apps)
    statusDirty = true
    trimPending = true
  }

  /// Rolling restart, one instance at a time: while an instance runs with an outdated spec (or
  /// size), restart the lowest-numbered one, but only once every instance already on the new
  /// spec is up, that is has run for its min-uptime (state `running`; Kubernetes'
  /// minReadySeconds): rolling N instances takes at least N x min-uptime. A replacement that
  /// fails (spawn error, quick exit: backoff) pauses the roll; the others keep the old spec and
  /// the reason is in the events and in status until it is up or the spec changes again. An
  /// outdated instance in backoff is down anyway: it starts at once with the new spec.
  private func rollingStep(_ key: ProcessKey) {
    guard phase == .running, let group = groups[key], let desired = group.desired else { return }
    var next: Instance?
    var revive: [Instance] = []
    var failing: Instance?
    var waiting = false
    var outdated = 0
    for inst in group.instances.values where inst.key.index <= desired.instances {
      let old = group.isOutdated(inst, desired: desired)
      if old { outdated += 1 }
      switch inst.machine.state {
      case .stopping(then: .restart):
        return
      case .starting, .running:
        if old {
          if next.map({ inst.key.index < $0.key.index }) ?? true { next = inst }
        } else if inst.machine.state == .starting {
          waiting = true
        }
      case .backoff:
        if old {
          revive.append(inst)
        } else if failing.map({ inst.key.index < $0.key.index }) ?? true {
          failing = inst
        }
      case .stopping(then: .remove), .exited:
        break
      }
    }
    if !revive.isEmpty {
      // A new spec is a new chance: a pause is reported again if it fails too. Each apply comes
      // back here with the instance started (or failing on the new spec).
      setRollPaused(group, nil, resumed: "the spec changed")
      // apply comes back here (re-entrantly) and revives the rest itself: only the first one is
      // applied from this call, or the later ones would get .newSpec twice (a stop right after
      // their start).
      if let inst = revive.min(by: { $0.key.index < $1.key.index }) {
        events.emit(.restarting(inst.key, reason: "new spec, not waiting out its backoff"))
        apply(inst, .newSpec)
      }
      return
    }
    guard let next else {
      setRollPaused(group, nil, resumed: "every instance runs the current spec")
      return
    }
    if let failing {
      let others = outdated == 1 ? "1 instance keeps" : "\(outdated) instances keep"
      setRollPaused(group, "\(failureText(failing)); \(others) the previous spec", resumed: "")
      return
    }
    // A pause stands while its instance retries (starting again is not being up), so a crash
    // loop reports it once, not at every attempt.
    if waiting { return }
    setRollPaused(group, nil, resumed: "the new spec is up")
    events.emit(.restarting(next.key, reason: "rolling restart"))
    apply(next, .newSpec)
  }

  /// Records (and reports once) that `group`'s roll is paused for `reason`, or no longer is.
  private func setRollPaused(_ group: ProcessGroup, _ reason: String?, resumed: String) {
    guard group.rollPaused != reason else { return }
    if let reason {
      events.emit(.rollPaused(group.key, reason: reason))
    } else {
      events.emit(.rollResumed(group.key, reason: resumed))
    }
    group.rollPaused = reason
    statusDirty = true
  }

  /// Why a replacement on the new spec is not up: its spawn error, or its quick exit.
  private func failureText(_ inst: Instance) -> String {
    if let error = inst.error { return "\(inst.key) could not start with the new spec: \(error)" }
    let exit = inst.lastExit.map { " (\($0))" } ?? ""
    let uptime = EventLog.msText(inst.machine.minUptimeMs)
    return "\(inst.key) exited\(exit) before its min-uptime of \(uptime) with the new spec"
  }

  /// A new pod size for running instances: rewritten in their cgroups where possible; the
  /// others keep their old size and `rollingStep` restarts them one at a time.
  private func resizeInPlace(_ group: ProcessGroup, to size: PodSize) {
    for inst in group.instances.values.sorted(by: { $0.key.index < $1.key.index })
    where inst.machine.hasProcess && inst.size != size {
      switch limits?.resize(inst.key, from: inst.size, to: size) ?? .restartNeeded("no limits") {
      case .applied:
        events.emit(
          .note("\(inst.key) resized in place from \(inst.size.name) to \(size.name) (pid \(inst.pid))"))
        inst.size = size
      case .restartNeeded(let why):
        events.emit(.note("\(inst.key) resize to \(size.name) needs a restart: \(why)"))
      }
    }
  }

  // MARK: the state machine's effects

  /// Feeds `event` to the instance's machine and performs the effects, including the events
  /// they cause (a spawn's outcome).
  private func apply(_ inst: Instance, _ event: InstanceEvent) {
    var pending = [event]
    while !pending.isEmpty {
      let ev = pending.removeFirst()
      let effects = inst.machine.handle(ev) { Double.random(in: 0..<1, using: &rng) }
      if case .exited = ev, effects.contains(.spawn), phase == .running {
        events.emit(.restartingNow(inst.key))
      }
      for effect in effects {
        if let follow = perform(effect, inst) { pending.append(follow) }
      }
    }
    statusDirty = true
    if phase == .running { rollingStep(inst.key.processKey) }
    // A daemon an instance forks as it starts is adopted silently (no SIGCHLD): look at what
    // was adopted when the instance has proved up, not only when a child exits. Once per loop
    // iteration: 50 instances started together reach their min-uptime in one or a few wake-ups.
    if case .uptimeReached = event { sweepPending = true }
  }

  private func perform(_ effect: InstanceEffect, _ inst: Instance) -> InstanceEvent? {
    switch effect {
    case .spawn:
      return spawn(inst)
    case .armTimer(let kind, let ms):
      switch kind {
      case .uptime:
        arm(inst, ms: ms, .uptimeReached)
      case .backoff:
        arm(inst, ms: ms, .backoffElapsed)
        inst.nextStartAtMs = cprocctl_realtime_ms() + Int64(ms)
        events.emit(.restartingAfter(inst.key, delayMs: ms, attempt: inst.machine.backoff.attempts))
      }
      return nil
    case .armStopTimer(let ms):
      arm(inst, ms: ms, .stopTimeout)
      return nil
    case .cancelTimer:
      if let t = inst.timer { loop.cancelTimer(t) }
      inst.timer = nil
      return nil
    case .signal(let sig):
      guard inst.pid > 0 else { return nil }
      switch sig {
      case .term:
        events.emit(.stopping(inst.key, pid: inst.pid))
        kill(-inst.pid, SIGTERM)
      case .kill:
        let why =
          phase == .killing
          ? "killed at once" : "did not stop within \(EventLog.msText(inst.machine.stopTimeoutMs))"
        events.emit(.killing(inst.key, pid: inst.pid, reason: why))
        kill(-inst.pid, SIGKILL)
        limits?.killAll(inst.key)
      }
      return nil
    case .remove:
      if let t = inst.timer { loop.cancelTimer(t) }
      inst.timer = nil
      let pkey = inst.key.processKey
      if let group = groups[pkey] {
        if group.instances[inst.key.index] === inst { group.instances[inst.key.index] = nil }
        if group.instances.isEmpty && (group.desired == nil || phase != .running) {
          groups[pkey] = nil
        }
      }
      limits?.removed(inst.key)
      events.emit(.stopped(inst.key))
      return nil
    }
  }

  private func arm(_ inst: Instance, ms: Int, _ event: InstanceEvent) {
    if let t = inst.timer { loop.cancelTimer(t) }
    inst.timer = loop.schedule(afterMs: ms) { [unowned self, unowned inst] in
      inst.timer = nil
      self.apply(inst, event)
    }
  }

  /// Starts the instance's process with the process's current desired spec.
  private func spawn(_ inst: Instance) -> InstanceEvent {
    if let group = groups[inst.key.processKey], let desired = group.desired {
      inst.spec = desired
      inst.size = group.size
    }
    inst.spawns += 1
    inst.nextStartAtMs = nil
    let spec = inst.spec
    let fds: (stdout: Int32, stderr: Int32)
    do { fds = try output.open(for: inst.key) } catch { return spawnFailed(inst, error) }
    let seq = inst.spawns
    let id = "\(runID)/\(inst.key.app)/\(inst.key.process)/\(inst.key.index)/\(seq)"
    var (env, shared, direct) = environment(for: inst)
    let instanceVar = "PROCCTL_INSTANCE=\(inst.key.index)"
    // First: the orphan sweep and the guard read only the first 64 KiB of /proc/PID/environ.
    let idVar = "PROCCTL_INSTANCE_ID=\(id)"
    let block = shared.map { CStringArray(first: idVar, $0, last: instanceVar) }
    env.append(instanceVar)
    env.insert(idVar, at: 0)
    var req = SpawnRequest(
      command: spec.command, environment: env, cwd: spec.cwd.isEmpty ? nil : spec.cwd,
      stdin: devNull, stdout: fds.stdout, stderr: fds.stderr)
    req.environmentBlock = block
    if let direct {
      req.executable = direct.path
      req.arguments = direct.argv
    }
    if let problem = limits?.prepareSpawn(inst.key, inst.size, &req) { events.emit(.note(problem)) }
    if let prepareSpawn {
      prepareSpawn(inst.key, inst.size, &req)
      req.environmentBlock = nil  // the hook may have changed `environment`
    }
    let result = Spawner.spawn(req)
    switch result {
    case .success(let pid):
      output.spawnFinished(for: inst.key, stdout: fds.stdout, stderr: fds.stderr, pid: pid)
      inst.pid = pid
      inst.runID = id
      inst.startedMonoNs = EventLoop.nowNs
      inst.startedAtMs = cprocctl_realtime_ms()
      inst.procStartTicks = nil
      inst.error = nil
      byPid[pid] = inst
      guardProcess?.add(pid)
      events.emit(.started(inst.key, pid: pid, restarts: inst.restarts))
      return .spawned
    case .failure(let failure):
      output.spawnFinished(for: inst.key, stdout: fds.stdout, stderr: fds.stderr, pid: nil)
      return spawnFailed(inst, failure)
    }
  }

  /// The environment every instance of the process shares: the supervisor's, overlaid by the
  /// process's `env`, then the PROCCTL_* variables; and the program to exec instead of a shell
  /// when the command needs none. Built once per spec and size, not per start; the block laid
  /// out for exec comes with it when it is the group's cached one.
  private func environment(
    for inst: Instance
  ) -> ([String], CStringArray?, (path: String, argv: [String])?) {
    let group = groups[inst.key.processKey]
    if let group, let cached = group.environment, group.desired == inst.spec,
      group.size == inst.size
    {
      return (cached, group.environmentBlock, group.direct)
    }
    let spec = inst.spec
    let ours: [(String, String)] = [
      ("PROCCTL_APP", inst.key.app), ("PROCCTL_PROCESS", inst.key.process),
      ("PROCCTL_POD_SIZE", inst.size.name), ("PROCCTL_CPU", inst.size.cpuDescription),
      ("PROCCTL_MEMORY_MB", String(inst.size.memoryMB)),
    ]
    var env: [String] = []
    env.reserveCapacity(options.environment.count + spec.env.count + ours.count + 2)
    for (k, v) in options.environment where spec.env[k] == nil && !Self.ownVariables.contains(k) {
      env.append("\(k)=\(v)")
    }
    for (k, v) in spec.env.sorted(by: { $0.key < $1.key }) where !Self.ownVariables.contains(k) {
      env.append("\(k)=\(v)")
    }
    for (k, v) in ours { env.append("\(k)=\(v)") }
    let direct = ShellCommand.directArgv(spec.command).flatMap { argv in
      Self.resolve(argv[0], path: spec.env["PATH"] ?? options.environment["PATH"]).map {
        (path: $0, argv: argv)
      }
    }
    if direct != nil {
      // sh exports PWD (its working directory) to what it runs; so does the direct path.
      let inherited = spec.env["PWD"] ?? options.environment["PWD"]
      if let pwd = Self.shellPWD(inherited: inherited, cwd: spec.cwd) {
        env.removeAll { $0.hasPrefix("PWD=") }
        env.append("PWD=" + pwd)
      }
    }
    if let group, group.desired == inst.spec, group.size == inst.size {
      group.environment = env
      group.direct = direct
      return (env, group.environmentBlock, direct)
    }
    return (env, nil, direct)
  }

  /// Finds `program` as sh would: as given when it contains a slash, else in PATH's
  /// directories (dash's default PATH when unset). nil when not found, or when PATH has a
  /// relative entry (its meaning depends on the working directory): the shell decides then.
  static func resolve(_ program: String, path: String?) -> String? {
    if program.utf8.contains(UInt8(ascii: "/")) { return program }
    let dirs = (path ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      .split(separator: ":", omittingEmptySubsequences: false)
    for dir in dirs {
      guard dir.hasPrefix("/") else { return nil }
      let candidate = dir + "/" + program
      var st = stat()
      if stat(candidate, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        && access(candidate, X_OK) == 0
      {
        return candidate
      }
    }
    return nil
  }

  /// The PWD sh would export when started in `cwd` (empty: the supervisor's own directory):
  /// the inherited PWD when it is absolute and names that same directory, else its physical
  /// path. nil when the directory cannot be resolved (the spawn then fails at chdir).
  static func shellPWD(inherited: String?, cwd: String) -> String? {
    let dir: String
    if cwd.isEmpty {
      guard let here = getcwd(nil, 0) else { return nil }
      dir = String(cString: here)
      free(here)
    } else {
      dir = cwd
    }
    var target = stat()
    guard stat(dir, &target) == 0 else { return nil }
    if let p = inherited, p.hasPrefix("/") {
      var st = stat()
      if stat(p, &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino {
        return p
      }
    }
    guard let real = realpath(dir, nil) else { return nil }
    defer { free(real) }
    return String(cString: real)
  }

  /// Variables the supervisor sets for every instance; never taken from elsewhere.
  static let ownVariables: Set<String> = [
    "PROCCTL_APP", "PROCCTL_PROCESS", "PROCCTL_INSTANCE", "PROCCTL_POD_SIZE", "PROCCTL_CPU",
    "PROCCTL_MEMORY_MB", "PROCCTL_INSTANCE_ID",
  ]

  private func spawnFailed(_ inst: Instance, _ failure: SpawnFailure) -> InstanceEvent {
    inst.error = failure.description
    inst.lastExit = .spawnFailed(failure.description)
    inst.lastExitAtMs = cprocctl_realtime_ms()
    events.emit(.startFailed(inst.key, reason: failure.description))
    return .spawnFailed
  }

  // MARK: what escaped

  /// Our direct children. As a subreaper these include orphans of instance processes.
  private func children() -> [Int32] {
    let pid = getpid()
    guard let bytes = try? FileIO.readFile("/proc/\(pid)/task/\(pid)/children") else { return [] }
    // "12 34 " as bytes: a String and Character.isNumber per pid cost ~60 k instructions for 50.
    var out: [Int32] = []
    var n: Int32 = 0
    var inNumber = false
    for b in bytes {
      if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
        n = n &* 10 &+ Int32(b &- UInt8(ascii: "0"))
        inNumber = true
      } else if inNumber {
        out.append(n)
        n = 0
        inNumber = false
      }
    }
    if inNumber { out.append(n) }
    return out
  }

  /// Ends what was adopted (as child subreaper) from instances and is not allowed to stay.
  /// Every child that is not an instance, a cron run or the guard came from one of them:
  /// - one carrying a PROCCTL_INSTANCE_ID marker lives while the incarnation that started it
  ///   runs (`starting`/`running`), and is ended after;
  /// - one without (it cleared its environment) lives while it stays in the process group of a
  ///   running instance or cron run (stops, the guard and the next `up` end that group);
  ///   anything else is ended at once: nothing could attribute it later.
  private func sweepOrphans() {
    let kids = children()
    let cronPids = Set(cron?.activePids ?? [])
    let guardPid = guardProcess?.pid
    if kids.count <= byPid.count + cronPids.count + (guardPid == nil ? 0 : 1) { return }
    var live = Set(cron?.activeRuns.map { "\(runID)/\($0.app)/\($0.process)/run/\($0.id)" } ?? [])
    var liveGroups = cronPids
    for inst in byPid.values {
      switch inst.machine.state {
      case .starting, .running:
        live.insert(inst.runID)
        liveGroups.insert(inst.pid)
      case .backoff, .stopping, .exited: break
      }
    }
    var env = [CChar](repeating: 0, count: 65536)
    for pid in kids where byPid[pid] == nil && pid != guardPid && !cronPids.contains(pid) {
      let n = env.withUnsafeMutableBufferPointer {
        cprocctl_read_environ(pid, $0.baseAddress, $0.count)
      }
      if n < 0 { continue }  // gone already
      if n > 0, let id = environValue(env, count: n, name: "PROCCTL_INSTANCE_ID=") {
        if live.contains(id) && phase == .running { continue }
        // id: RUN/APP/PROCESS/INDEX/SEQ
        let parts = id.split(separator: "/").map(String.init)
        let owner = parts.count >= 4 ? "\(parts[1])/\(parts[2]).\(parts[3])" : id
        events.emit(.orphanKilled(pid: pid, owner: owner))
        killTree(pid)
        continue
      }
      // An empty environment is also what a zombie shows: the next SIGCHLD reaps it.
      if isGoneOrExiting(pid) { continue }
      let pgid = getpgid(pid)
      if phase == .running && pgid > 0 && liveGroups.contains(pgid) { continue }
      if pgid > 0, let owner = byPid[pgid] {
        events.emit(.orphanKilled(pid: pid, owner: owner.key.description))
      } else {
        events.emit(.unmarkedOrphanKilled(pid: pid))
      }
      killTree(pid)
    }
  }

  private func killTree(_ pid: Int32) {
    if getpgid(pid) == pid { kill(-pid, SIGKILL) }
    kill(pid, SIGKILL)
  }

  private func environValue(_ env: [CChar], count: Int, name: String) -> String? {
    let needle = Array(name.utf8)
    var i = 0
    while i < count {
      var j = i
      while j < count && env[j] != 0 { j += 1 }
      if j - i >= needle.count {
        var match = true
        for k in 0..<needle.count where UInt8(bitPattern: env[i + k]) != needle[k] {
          match = false
          break
        }
        if match {
          let bytes = env[(i + needle.count)..<j].map { UInt8(bitPattern: $0) }
          return String(decoding: bytes, as: UTF8.self)
        }
      }
      i = j + 1
    }
    return nil
  }

  private func newGuard() throws(SupervisorError) -> SupervisorGuard {
    guardStartedNs = EventLoop.nowNs
    return try SupervisorGuard(
      marker: "PROCCTL_INSTANCE_ID=\(runID)/", lockPath: options.paths.supervisorLockFile,
      cgroupRoots: limits?.cgroups.roots ?? [], keepFD: inotifyFD)
  }

  private func restartGuard() {
    guard phase == .running else {
      guardProcess = nil
      return
    }
    do {
      let g = try newGuard()
      for pid in byPid.keys { g.add(pid) }
      guardProcess = g
    } catch {
      events.emit(.note("could not restart the guard process: \(error)"))
      guardProcess = nil
    }
  }

  // MARK: requests from `procctl restart --instance`

  private func clearRequests() {
    // Requests left by a previous run are stale: the instances they named are gone.
    for name in RestartRequest.pending(in: options.paths) {
      unlink(options.paths.runDir + "/" + name)
    }
  }

  private func handleRequest(_ name: String) {
    let path = options.paths.runDir + "/" + name
    guard let req = RestartRequest.read(path: path) else { return }
    unlink(path)
    guard phase == .running else { return }
    let key = InstanceKey(app: req.app, process: req.process, index: req.instance)
    guard let inst = groups[key.processKey]?.instances[key.index] else {
      events.emit(.note("restart request for \(key) ignored: no such instance"))
      return
    }
    events.emit(.restarting(key, reason: "requested"))
    apply(inst, .restart)
  }

  // MARK: status

  /// Once per loop iteration: one status write for however many changes, the guard's and the
  /// event log's queued writes, then, after a reconcile, give the heap it freed back to the
  /// system (see cprocctl_trim_memory).
  private func endOfIteration() {
    if sweepPending {
      sweepPending = false
      sweepOrphans()
    }
    // The guard and the events first: a reader never sees an instance in the status file
    // before its event (and the guard has its pid once anyone can see it).
    guardProcess?.flush()
    events.flush()
    flushStatus()
    events.flush()
    if trimPending {
      trimPending = false
      _ = cprocctl_trim_memory()
    }
  }

  private func flushStatus() {
    guard statusDirty else { return }
    statusDirty = false
    var list: [InstanceStatus] = []
    for inst in allInstances() {
      if inst.pid > 0 && inst.procStartTicks == nil {
        inst.procStartTicks = ProcStat.startTicks(pid: inst.pid)
      }
      var st = inst.status()
      st.cgroup = limits?.dirs(inst.key)
      st.cpuUsecAtStart = limits?.cpuUsecAtStart(inst.key)
      if inst.pid > 0 { st.limitsError = limits?.limitsError(inst.key) }
      st.rollout = groups[inst.key.processKey]?.rollPaused
      list.append(st)
    }
    var status = SupervisorStatus(
      pid: getpid(), procStartTicks: selfTicks, startedAt: Timestamp(epochMs: startedAtMs),
      updatedAt: Timestamp(epochMs: cprocctl_realtime_ms()), revision: appliedRevision,
      apps: options.apps.isEmpty ? nil : options.apps, instances: list)
    status.limits = limits?.mode.title
    do { try statusStore.write(status) } catch {
      events.emit(.note("could not write status: \(error.description)"))
    }
  }
}

extension EventLog {
  static func msText(_ ms: Int) -> String { SupervisorEvent.duration(ms) }
}
