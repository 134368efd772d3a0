#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore
import ProcctlStore
import ProcctlSupervisor

/// `procctl doctor`: what this host offers procctl, and why pod sizes are enforced the way
/// they are.
public struct DoctorCommand: Command {
  public static let name = "doctor"
  public static let abstract = "Explain how pod sizes are enforced here, and what is available."
  public static let discussion = """
    Probes the host the way 'procctl up' does and prints: the enforcement mode (cgroup v2, \
    cgroup v1, or rlimit) and why; each cgroup hierarchy mounted, where this process sits in it, \
    and whether groups can be created there; the PROCCTL_LIMITS override; whether the state \
    directory is writable; and whether the time zone database is present (cron needs it).
    Modes: cgroup v2 (memory.max, memory.swap.max 0, cpu.max) where the cpu and memory \
    controllers can be delegated and written; else cgroup v1 (memory.limit_in_bytes, \
    cpu.cfs_quota_us) where those hierarchies are writable; else RLIMIT_AS for memory and no CPU \
    cap. PROCCTL_LIMITS=auto|v2|v1|rlimit overrides the choice.
    Exit codes: 0; 1 when PROCCTL_LIMITS forces a mode that is not available; 2 invalid \
    PROCCTL_LIMITS.
    """
  public static let options: [OptionSpec] = []
  public static let examples = ["procctl doctor", "PROCCTL_LIMITS=rlimit procctl doctor"]

  public init(_ args: ParsedArguments) throws { try args.noPositionals() }

  public func run(_ context: Context) throws -> Int32 {
    let raw = context.environment[LimitsOverride.environmentVariable]
    let override = try LimitsOverride.parse(raw)
    var code = ExitCode.success
    let out = context.out
    do {
      let d = try CgroupDetector.detect(override: override)
      out.line(d.summary)
      out.line("")
      out.line("cgroups:")
      for f in d.findings { out.line("  " + f) }
    } catch {
      out.line("limits: \(error)")
      code = ExitCode.failure
      if let auto = try? CgroupDetector.detect(override: .auto) {
        out.line("  without the override: \(auto.summary)")
      }
    }
    out.line("")
    out.line(
      "override: \(LimitsOverride.environmentVariable)=\(raw.map { $0.isEmpty ? "(empty)" : $0 } ?? "(unset)") -> \(override.rawValue)"
    )
    let home = context.paths.home
    let writable = FileIO.exists(home) ? (access(home, W_OK) == 0 ? "writable" : "NOT writable") : "not created yet"
    out.line("state directory: \(home) (\(writable))")
    let zoneinfo = ZoneInfo.directory
    let zones = FileIO.exists(zoneinfo + "/UTC") || FileIO.exists(zoneinfo + "/Europe/Amsterdam")
    out.line("time zones: \(zoneinfo) \(zones ? "present" : "MISSING (install tzdata; cron jobs need it)")")
    out.line("user: uid \(getuid())\(getuid() == 0 ? " (root)" : "")")
    return code
  }
}
