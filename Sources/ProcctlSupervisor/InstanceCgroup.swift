/// The cgroup of one running instance: `procctl/<ns>/<app>/<process>/<instance>` in every
/// hierarchy the supervisor uses (one directory on v2, one per controller hierarchy on v1).
public struct InstanceCgroup: Sendable, Hashable {
  /// "<app>/<process>/<instance>".
  public var name: String
  /// The group's directory in each hierarchy, in the order of `LimitsDetection.hierarchies`.
  public var dirs: [String]

  public init(name: String, dirs: [String]) {
    self.name = name
    self.dirs = dirs
  }

  /// Each group's `cgroup.procs`: the pids in it.
  public var procsFiles: [String] { dirs.map { $0 + "/cgroup.procs" } }
}

/// What the spawn hook applies in the child before exec.
public struct SpawnLimits: Sendable, Equatable {
  /// Files the child writes "0" into between fork and exec to join its groups (empty in rlimit
  /// mode): v1 `tasks` (moves one thread without the global threadgroup lock, whose write side
  /// costs an RCU grace period, ~10 ms, per spawn), v2 `cgroup.procs`.
  public var procsFiles: [String]
  /// RLIMIT_AS in bytes (rlimit mode only).
  public var addressSpaceLimit: Int?
  /// v2: the group's directory, to start the child in it directly (clone3 CLONE_INTO_CGROUP).
  public var directory: String?

  public init(procsFiles: [String], addressSpaceLimit: Int?, directory: String? = nil) {
    self.procsFiles = procsFiles
    self.addressSpaceLimit = addressSpaceLimit
    self.directory = directory
  }
}

/// Current use of an instance's group, for `procctl ps` (nil where not available).
public struct ResourceUsage: Sendable, Equatable {
  public var memoryBytes: Int?
  public var cpuMicroseconds: Int?

  public init(memoryBytes: Int?, cpuMicroseconds: Int?) {
    self.memoryBytes = memoryBytes
    self.cpuMicroseconds = cpuMicroseconds
  }
}

/// The result of a live resize.
public enum ResizeOutcome: Sendable, Equatable {
  /// The limits were rewritten in place; the instance keeps running.
  case applied
  /// The caller must restart the instance (rolling) to apply the size; the reason says why.
  case restartNeeded(String)
}

/// What cleaning up a previous run's leftovers found.
public struct StaleCleanup: Sendable, Equatable {
  public var groupsRemoved: Int
  public var processesKilled: Int
  public var groupsLeft: [String]
}

extension ResourceUsage {
  /// Reads the use of a group from its directories alone (what the status file records), so
  /// `procctl ps` can show live figures without asking the supervisor: v2 `memory.current` and
  /// `cpu.stat` usage_usec; v1 `memory.usage_in_bytes` and `cpuacct.usage`.
  public static func read(dirs: [String]) -> ResourceUsage {
    var memory: Int?
    var cpu: Int?
    for dir in dirs {
      if memory == nil {
        memory =
          CgroupFiles.integer(dir + "/memory.current")
          ?? CgroupFiles.integer(dir + "/memory.usage_in_bytes")
      }
      if cpu == nil {
        cpu =
          CgroupFiles.keyed(dir + "/cpu.stat")["usage_usec"]
          ?? CgroupFiles.integer(dir + "/cpuacct.usage").map { $0 / 1000 }
      }
    }
    return ResourceUsage(memoryBytes: memory, cpuMicroseconds: cpu)
  }
}
