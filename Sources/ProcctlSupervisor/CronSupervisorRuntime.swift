#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore
import ProcctlStore

/// The cron scheduler's runtime inside `procctl up`: the supervisor's event loop for timers and
/// pipes, its spawner (same marker, guard and cgroup hook as instances, so a killed supervisor
/// takes its runs along and the next one ends leftovers), a log writer per run, and an inotify
/// watch on the drop box of `procctl cron run` requests.
final class CronSupervisorRuntime: CronRuntime {
  unowned let supervisor: Supervisor
  let store: CronStore
  private var timers: [Int: EventLoop.TimerToken] = [:]
  /// Deadlines at wall-clock times (the next cron run), which follow a suspend or a clock set.
  private let clock: WallClockTimers
  private var wallTimers: [Int: WallClockTimers.Token] = [:]
  private var nextToken = 1
  /// Open output pipes of runs: read end -> its writer and stream.
  private var pipes: [Int32: (writer: LogWriter, stream: LogWriter.Stream)] = [:]
  /// The log writer of each running run, by pid (until it is reaped).
  private var writers: [Int32: LogWriter] = [:]
  weak var scheduler: CronScheduler?
  /// The pod-size slot (cgroup) of each active run: 1, or the lowest free number when runs of
  /// the same job overlap (`--concurrency allow`), so each run gets a whole pod.
  private var slots: [Int32: InstanceKey] = [:]

  init(supervisor: Supervisor, store: CronStore) throws(SupervisorError) {
    self.supervisor = supervisor
    self.store = store
    clock = try WallClockTimers(loop: supervisor.eventLoop)
  }

  func now() -> Timestamp { Timestamp(epochMs: cprocctl_realtime_ms()) }

  func schedule(afterMs ms: Int, _ action: @escaping () -> Void) -> Int {
    let token = nextToken
    nextToken += 1
    timers[token] = supervisor.eventLoop.schedule(afterMs: ms) { [unowned self] in
      self.timers[token] = nil
      action()
    }
    return token
  }

  func schedule(at: Timestamp, _ action: @escaping () -> Void) -> Int {
    let token = nextToken
    nextToken += 1
    wallTimers[token] = clock.schedule(atMs: at.epochMs) { [unowned self] in
      self.wallTimers[token] = nil
      action()
    }
    return token
  }

  func cancelTimer(_ token: Int) {
    if let t = timers.removeValue(forKey: token) { supervisor.eventLoop.cancelTimer(t) }
    if let t = wallTimers.removeValue(forKey: token) { clock.cancel(t) }
  }

  func spawn(_ launch: CronLaunch) -> Result<Int32, CronSpawnFailure> {
    var out: [Int32] = [-1, -1]
    var err: [Int32] = [-1, -1]
    guard pipe(&out) == 0 else { return .failure(failure("pipe")) }
    guard pipe(&err) == 0 else {
      close(out[0])
      close(out[1])
      return .failure(failure("pipe"))
    }
    // The loop is single-threaded, so nothing can fork between pipe() and these.
    for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    let spec = launch.spec
    var env = supervisor.baseEnvironment
    for (k, v) in spec.env { env.append("\(k)=\(v)") }
    for (k, v) in launch.environment.sorted(by: { $0.key < $1.key }) { env.append("\(k)=\(v)") }
    // First: the orphan sweep and the guard read only the first 64 KiB of /proc/PID/environ.
    env.insert(
      "PROCCTL_INSTANCE_ID=\(supervisor.runID)/\(launch.app)/\(launch.process)/run/\(launch.runID)",
      at: 0)
    var req = SpawnRequest(
      command: spec.command, environment: env, cwd: spec.cwd.isEmpty ? nil : spec.cwd,
      stdin: supervisor.devNull, stdout: out[1], stderr: err[1])
    var slot = 1
    while slots.values.contains(InstanceKey(app: launch.app, process: launch.process, index: slot)) {
      slot += 1
    }
    let key = InstanceKey(app: launch.app, process: launch.process, index: slot)
    if let problem = supervisor.limits?.prepareSpawn(key, launch.size, &req) { log(problem) }
    supervisor.prepareSpawn?(key, launch.size, &req)
    let result = Spawner.spawn(req)
    close(out[1])
    close(err[1])
    switch result {
    case .success(let pid):
      supervisor.guardProcess?.add(pid)
      slots[pid] = key
      let writer = LogWriter(path: launch.logPath)
      writer.createFile()
      writers[pid] = writer
      watch(out[0], writer, .stdout)
      watch(err[0], writer, .stderr)
      return .success(pid)
    case .failure(let f):
      supervisor.limits?.removed(key)
      close(out[0])
      close(err[0])
      return .failure(CronSpawnFailure(f.description))
    }
  }

  func signalGroup(_ pid: Int32, _ signal: Int32) {
    kill(-pid, signal)
    if signal == SIGKILL { kill(pid, signal) }
  }

  func log(_ line: String) { supervisor.events.emit(.note(line)) }

  /// A run was reaped: what it left in its cgroup is ended and the group removed; the guard no
  /// longer watches it. Returns a note for the run's record (an OOM kill).
  func reaped(pid: Int32, status: Int32) -> String? {
    supervisor.guardProcess?.remove(pid)
    // What the run wrote before it exited is in its pipes now: into its log before the outcome
    // is recorded, so `cron run --wait` returns with the log complete. Bounded, like an
    // instance's: a process that escaped the run may keep a pipe full.
    if let writer = writers.removeValue(forKey: pid) {
      for (fd, p) in pipes where p.writer === writer { drain(fd, maxChunks: LogCapture.drainChunks) }
    }
    guard let key = slots.removeValue(forKey: pid) else { return nil }
    let exit = supervisor.limits?.reaped(key, waitStatus: status)
    supervisor.limits?.removed(key)
    supervisor.instanceReaped?(key, status)
    return exit == .oomKilled ? "OOMKilled: the run exceeded its pod size's memory" : nil
  }

  private func failure(_ call: String) -> CronSpawnFailure {
    CronSpawnFailure("\(call): \(String(cString: strerror(cprocctl_errno())))")
  }

  /// Copies a run's output pipe into its log until the pipe's end (all writers closed).
  private func watch(_ fd: Int32, _ writer: LogWriter, _ stream: LogWriter.Stream) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    pipes[fd] = (writer, stream)
    do {
      try supervisor.eventLoop.watch(fd) { [unowned self] _ in self.drain(fd) }
    } catch {
      pipes[fd] = nil
      close(fd)
    }
  }

  private func drain(_ fd: Int32, maxChunks: Int = .max) {
    guard let (writer, stream) = pipes[fd] else { return }
    var buf = [UInt8](repeating: 0, count: 65536)
    var chunks = 0
    while chunks < maxChunks {
      let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n > 0 {
        chunks += 1
        buf.withUnsafeBytes {
          writer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n]), from: stream, atMs: cprocctl_realtime_ms())
        }
        continue
      }
      if n < 0 && (cprocctl_errno() == EINTR) { continue }
      if n < 0 && (cprocctl_errno() == EAGAIN || cprocctl_errno() == EWOULDBLOCK) { return }
      // End of stream (or an error): this half of the run's output is done.
      writer.endOfStream(stream, atMs: cprocctl_realtime_ms())
      supervisor.eventLoop.unwatch(fd)
      close(fd)
      pipes[fd] = nil
      if !pipes.values.contains(where: { $0.writer === writer }) {
        writer.close(atMs: cprocctl_realtime_ms())
      }
      return
    }
  }

  // MARK: `procctl cron run` requests

  /// Watches the request drop box and answers what is already waiting.
  func watchRequests() throws(SupervisorError) {
    do { try FileIO.makeDirectories(store.requestsDir) } catch { throw .store(error) }
    try supervisor.watchDirectory(store.requestsDir, mask: cprocctl_in_moved_to()) {
      [unowned self] in self.answerRequests()
    }
    // Requests that arrived before this supervisor: answered once the first reconcile has
    // scheduled the jobs.
    _ = schedule(afterMs: 0) { [unowned self] in self.answerRequests() }
  }

  func answerRequests() {
    guard let scheduler else { return }
    for r in store.pendingRequests() {
      let reply = scheduler.manualRun(app: r.app, process: r.process)
      do { try store.answer(r, with: reply) } catch {
        log("could not answer cron run request \(r.id): \(error.description)")
      }
    }
  }
}

extension Supervisor {
  /// Starts the cron scheduler on this supervisor's loop (called once, before the first
  /// reconcile).
  func startCron() throws(SupervisorError) -> CronScheduler {
    let store = CronStore(paths: options.paths)
    let runtime = try CronSupervisorRuntime(supervisor: self, store: store)
    let scheduler = CronScheduler(runtime: runtime, store: store)
    runtime.scheduler = scheduler
    scheduler.reaped = { [unowned runtime] pid, status in runtime.reaped(pid: pid, status: status) }
    cronRuntime = runtime
    try runtime.watchRequests()
    loop.onEachIteration { [unowned scheduler] in
      if scheduler.statusDirty {
        do { try store.writeStatus(scheduler.status()) } catch {
          self.events.emit(.note("could not write cron status: \(error)"))
        }
      }
    }
    return scheduler
  }
}
