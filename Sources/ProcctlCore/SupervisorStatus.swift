/// What the running supervisor reports about itself and every instance: `status.json`, written
/// by `procctl up` on every change of an instance's state and read by `ps`, `list` and
/// `restart`. Observed state, never desired state.
public struct SupervisorStatus: Sendable, Equatable {
  /// The supervisor's pid and its start time in clock ticks since boot (`/proc/PID/stat` field
  /// 22): together they identify it even after the pid is reused.
  public var pid: Int32
  public var procStartTicks: UInt64
  public var startedAt: Timestamp
  /// When this file was written.
  public var updatedAt: Timestamp
  /// The state file revision last applied.
  public var revision: Int
  /// The applications supervised (nil: all).
  public var apps: [String]?
  public var instances: [InstanceStatus]
  /// How pod sizes are enforced: "cgroup v2", "cgroup v1" or "rlimit" (nil: an older writer).
  public var limits: String?

  public init(
    pid: Int32, procStartTicks: UInt64, startedAt: Timestamp, updatedAt: Timestamp,
    revision: Int, apps: [String]?, instances: [InstanceStatus]
  ) {
    self.pid = pid
    self.procStartTicks = procStartTicks
    self.startedAt = startedAt
    self.updatedAt = updatedAt
    self.revision = revision
    self.apps = apps
    self.instances = instances
  }
}

/// One instance as the supervisor sees it.
public struct InstanceStatus: Sendable, Equatable {
  public var app: String
  public var process: String
  /// 1...N.
  public var instance: Int
  /// starting, running, backoff, stopping, exited.
  public var state: String
  /// The process (also its process group: each instance leads its own group) while one exists.
  public var pid: Int32?
  /// The pid's start time in clock ticks since boot, so a recycled pid is never mistaken for it.
  public var procStartTicks: UInt64?
  public var startedAt: Timestamp?
  /// Starts after the first one (restarts after exits, rolling restarts).
  public var restarts: Int
  public var lastExit: ExitStatus?
  public var lastExitAt: Timestamp?
  /// While backing off: when it starts again, and how many quick exits in a row.
  public var nextStartAt: Timestamp?
  public var backoffAttempts: Int
  /// Why the last start failed, if it did (for example a missing working directory).
  public var error: String?
  /// The pod size it runs with.
  public var size: String
  public var milliCPU: Int
  public var memoryMB: Int
  /// The instance's cgroup directories (one per hierarchy), where `ps` reads its live memory
  /// and CPU use; nil without cgroups.
  public var cgroup: [String]?
  /// The group's CPU time (µs) when the current process started: `ps` subtracts it to show the
  /// CPU used by this run (the group is reused across restarts).
  public var cpuUsecAtStart: Int?
  /// Set while the current process runs without its pod size's limits because its cgroup could
  /// not be made (the instance is started anyway): why. `ps` shows it instead of MEM and CPU.
  public var limitsError: String?
  /// While the rolling restart of its process is paused: why ("demo/web.1 could not start with
  /// the new spec: ..."), on every instance of the process; nil otherwise.
  public var rollout: String?

  public init(
    app: String, process: String, instance: Int, state: String, pid: Int32? = nil,
    procStartTicks: UInt64? = nil, startedAt: Timestamp? = nil, restarts: Int = 0,
    lastExit: ExitStatus? = nil, lastExitAt: Timestamp? = nil, nextStartAt: Timestamp? = nil,
    backoffAttempts: Int = 0, error: String? = nil, size: String, milliCPU: Int, memoryMB: Int
  ) {
    self.app = app
    self.process = process
    self.instance = instance
    self.state = state
    self.pid = pid
    self.procStartTicks = procStartTicks
    self.startedAt = startedAt
    self.restarts = restarts
    self.lastExit = lastExit
    self.lastExitAt = lastExitAt
    self.nextStartAt = nextStartAt
    self.backoffAttempts = backoffAttempts
    self.error = error
    self.size = size
    self.milliCPU = milliCPU
    self.memoryMB = memoryMB
  }

  /// "worker.3".
  public var name: String { "\(process).\(instance)" }
}
