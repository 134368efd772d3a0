import ProcctlCore

/// How pod sizes are enforced on this host. Chosen once when the supervisor starts.
public enum LimitsMode: String, Sendable, Equatable {
  /// cgroup v2: memory.max, memory.swap.max 0, cpu.max; stop by cgroup.kill.
  case v2
  /// cgroup v1: memory.limit_in_bytes (+memsw), cpu.cfs_quota_us; stop by the freezer.
  case v1
  /// No writable cgroups: RLIMIT_AS for memory, no CPU cap, stop by process group only.
  case rlimit

  /// "cgroup v2", "cgroup v1", "rlimit": as `up` and `doctor` print it.
  public var title: String {
    switch self {
    case .v2: return "cgroup v2"
    case .v1: return "cgroup v1"
    case .rlimit: return "rlimit"
    }
  }
}

/// What the operator asked for: `PROCCTL_LIMITS=auto|v2|v1|rlimit` (or `up --limits MODE`).
/// `auto` picks the best available; any other value forces that mode, and fails when it is
/// not available (except `rlimit`, which is always available).
public enum LimitsOverride: String, Sendable, Equatable, CaseIterable {
  case auto, v2, v1, rlimit

  public static let environmentVariable = "PROCCTL_LIMITS"

  /// Parses the value of the flag or the environment variable (nil or empty: auto).
  public static func parse(_ text: String?, source: String = environmentVariable)
    throws(CoreError) -> LimitsOverride
  {
    guard let text, !text.isEmpty else { return .auto }
    guard let v = LimitsOverride(rawValue: text.lowercased()) else {
      throw .invalid("invalid \(source) \"\(text)\": use auto, v2, v1 or rlimit")
    }
    return v
  }
}
