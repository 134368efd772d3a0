import ProcctlCore

/// One worker instance as the supervisor tracks it: its state machine plus the facts about its
/// current (or last) process.
final class Instance {
  let key: InstanceKey
  var machine: InstanceMachine
  /// The spec its current process was started with (compared with the desired one to decide a
  /// rolling restart), or the one it starts with next.
  var spec: ProcessSpec { didSet { outdated = nil } }
  var size: PodSize { didSet { outdated = nil } }
  /// `ProcessGroup.isOutdated`'s last answer and the group generation it holds for.
  fileprivate var outdated: (generation: Int, value: Bool)?
  var pid: Int32 = 0
  var procStartTicks: UInt64?
  var startedMonoNs: UInt64 = 0
  var startedAtMs: Int64 = 0
  /// Spawn attempts so far; restarts are the ones after the first.
  var spawns = 0
  var lastExit: ExitStatus?
  var lastExitAtMs: Int64?
  var nextStartAtMs: Int64?
  var error: String?
  var timer: EventLoop.TimerToken?
  /// The PROCCTL_INSTANCE_ID value of its current process (identifies what it forked).
  var runID = ""

  init(key: InstanceKey, spec: ProcessSpec, size: PodSize) {
    self.key = key
    self.spec = spec
    self.size = size
    self.machine = InstanceMachine(minUptimeMs: spec.minUptimeMs, stopTimeoutMs: spec.stopTimeoutMs)
  }

  var restarts: Int { max(0, spawns - 1) }

  func status() -> InstanceStatus {
    InstanceStatus(
      app: key.app, process: key.process, instance: key.index, state: machine.state.name,
      pid: pid > 0 ? pid : nil, procStartTicks: pid > 0 ? procStartTicks : nil,
      startedAt: pid > 0 ? Timestamp(epochMs: startedAtMs) : nil, restarts: restarts,
      lastExit: lastExit, lastExitAt: lastExitAtMs.map { Timestamp(epochMs: $0) },
      nextStartAt: machine.state == .backoff ? nextStartAtMs.map { Timestamp(epochMs: $0) } : nil,
      backoffAttempts: machine.backoff.attempts, error: error, size: size.name,
      milliCPU: size.milliCPU, memoryMB: size.memoryMB)
  }
}

/// One process of one application: its desired spec and its instances.
final class ProcessGroup {
  let key: ProcessKey
  /// nil once the process was deleted (its instances are stopping).
  var desired: ProcessSpec? { didSet { if desired != oldValue { changed() } } }
  var size: PodSize { didSet { if size != oldValue { changed() } } }
  /// Counts the changes of `desired` and `size`.
  private var generation = 0
  /// The program to exec instead of `/bin/sh -c` (a command without shell syntax), resolved
  /// on PATH together with `environment`.
  var direct: (path: String, argv: [String])?
  var instances: [Int: Instance] = [:]
  /// The instances' shared environment for `desired` and `size` (nil: build it again).
  var environment: [String]? { didSet { environmentBlock = environment.map { CStringArray($0) } } }
  /// `environment` laid out for exec once, so a start copies one block of bytes instead of
  /// converting every string again (~20 k instructions a start with a 40-variable environment).
  private(set) var environmentBlock: CStringArray?
  /// Why its rolling restart is paused (a replacement on the new spec is failing), while it is.
  var rollPaused: String?

  private func changed() {
    environment = nil
    generation += 1
  }

  /// Whether `inst` runs a spec or size that `desired` (non-nil) replaces, so a rolling restart
  /// must replace it. Remembered until either side changes: the roll looks at every instance
  /// after each instance event, which made a burst of 50 starts compare specs 2,500 times.
  func isOutdated(_ inst: Instance, desired: ProcessSpec) -> Bool {
    if let o = inst.outdated, o.generation == generation { return o.value }
    let value = inst.spec.needsRestart(comparedTo: desired) || inst.size != size
    inst.outdated = (generation, value)
    return value
  }

  init(key: ProcessKey, desired: ProcessSpec, size: PodSize) {
    self.key = key
    self.desired = desired
    self.size = size
  }
}
