#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore
import ProcctlStore

/// Pod-size enforcement (cgroups or RLIMIT_AS) and output capture (pipes into log writers) for
/// the supervisor, behind the few hooks its loop calls. Runs on the loop's thread only.
final class LimitsDriver: InstanceOutput {
  let detection: LimitsDetection
  let cgroups: CgroupManager
  let capture: LogCapture
  /// The rotation settings of an instance's process (from its spec).
  var rotationFor: (InstanceKey) -> LogRotation = { _ in .default }
  private var groups: [InstanceKey: InstanceCgroup] = [:]
  private var cpuAtStart: [InstanceKey: Int] = [:]
  /// Why an instance's current process runs without its cgroup (for the status file).
  private var unlimited: [InstanceKey: String] = [:]
  /// v2: the group directory opened for the spawn in progress (closed when it is over).
  private var spawnFD: Int32 = -1

  init(detection: LimitsDetection, paths: StatePaths, loop: EventLoop) {
    self.detection = detection
    self.cgroups = CgroupManager(detection: detection, home: paths.home)
    self.capture = LogCapture(
      logsDir: paths.logsDir,
      watch: { fd, handler in (try? loop.watch(fd) { _ in handler() }) != nil },
      unwatch: { fd in loop.unwatch(fd) })
  }

  var mode: LimitsMode { detection.mode }

  /// Creates this state directory's cgroup subtree and ends what a previous run left in it.
  func start() throws(StoreError) -> StaleCleanup { try cgroups.prepare() }

  /// Puts the next process of `key` into its cgroup (created with `size`'s limits) or under
  /// RLIMIT_AS. Returns a problem to report when the group could not be made: the instance then
  /// starts without a cgroup rather than not at all (an operator would rather have a running
  /// worker), and `limitsError(key)` says so in the status file until a start gets its group.
  func prepareSpawn(_ key: InstanceKey, _ size: PodSize, _ req: inout SpawnRequest) -> String? {
    var problem: String?
    var cg: InstanceCgroup?
    unlimited[key] = nil
    do {
      cg = try cgroups.create(app: key.app, process: key.process, instance: key.index, size: size)
    } catch {
      problem = "\(key): cgroup not created, starting without limits: \(error)"
      unlimited[key] = "cgroup not created, running without limits: \(error)"
    }
    groups[key] = cg
    cpuAtStart[key] = cgroups.cpuMicrosecondsAtStart(cg)
    let limits = cgroups.spawnLimits(for: cg, size: size)
    req.cgroupProcs = limits.procsFiles
    req.rlimitAS = limits.addressSpaceLimit
    if let dir = limits.directory {
      spawnFD = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      if spawnFD >= 0 { req.cgroupFD = spawnFD }
    }
    return problem
  }

  /// The instance's process was reaped: whatever it left in its group is ended, and an OOM kill
  /// is told apart from a plain SIGKILL.
  func reaped(_ key: InstanceKey, waitStatus: Int32) -> ExitStatus {
    let plain = ExitStatus(waitStatus: waitStatus)
    guard let cg = groups[key] else { return plain }
    var signal: Int32?
    var code: Int32?
    switch plain {
    case .signal(let s): signal = Int32(s)
    case .code(let c): code = Int32(c)
    default: break
    }
    let oom = cgroups.wasOOMKilled(cg, signal: signal, exitCode: code)
    cgroups.killAll(cg)
    return oom ? .oomKilled : plain
  }

  /// SIGKILL to everything in the instance's group at once (what escaped its process group too).
  func killAll(_ key: InstanceKey) {
    if let cg = groups[key] { cgroups.killAll(cg) }
  }

  /// The instance is gone for good (stopped, scaled down, deleted): its group and log writer go.
  func removed(_ key: InstanceKey) {
    if let cg = groups.removeValue(forKey: key) { cgroups.remove(cg) }
    cpuAtStart[key] = nil
    unlimited[key] = nil
    capture.remove(app: key.app, process: key.process, index: key.index)
  }

  /// Rewrites a running instance's limits in place, or says why it must be restarted.
  func resize(_ key: InstanceKey, from old: PodSize, to new: PodSize) -> ResizeOutcome {
    cgroups.resize(groups[key], from: old, to: new)
  }

  /// The instance's cgroup directories, for the status file (ps reads live use from them).
  func dirs(_ key: InstanceKey) -> [String]? { groups[key]?.dirs }

  /// Why the instance's current process runs without its pod size's limits (nil: it has them).
  func limitsError(_ key: InstanceKey) -> String? { unlimited[key] }

  /// The group's CPU time when the instance's current process started.
  func cpuUsecAtStart(_ key: InstanceKey) -> Int? { cpuAtStart[key] }

  /// At exit, after every instance was stopped: flushes the logs, removes every group.
  func shutdown() {
    capture.closeAll()
    for cg in groups.values { cgroups.remove(cg) }
    groups.removeAll()
    cgroups.shutdown()
  }

  // MARK: InstanceOutput

  func open(for key: InstanceKey) throws(SpawnFailure) -> (stdout: Int32, stderr: Int32) {
    do {
      return try capture.open(
        app: key.app, process: key.process, index: key.index, rotation: rotationFor(key))
    } catch {
      if case .system(let call, let path, let e) = error {
        throw SpawnFailure(step: call, errno: e, detail: path)
      }
      throw SpawnFailure(step: "pipe", errno: EIO, detail: "\(key)")
    }
  }

  func spawnFinished(for key: InstanceKey, stdout: Int32, stderr: Int32, pid: Int32?) {
    if spawnFD >= 0 {
      close(spawnFD)
      spawnFD = -1
    }
    capture.spawnFinished(
      app: key.app, process: key.process, index: key.index, stdout: stdout, stderr: stderr,
      started: pid != nil)
  }

  func exited(_ key: InstanceKey) {
    capture.exited(app: key.app, process: key.process, index: key.index)
  }
}
