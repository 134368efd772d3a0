/// The consistency rules of one process, checked as a whole so every problem is reported at
/// once: what a worker may not have (a schedule, a zone, cron policies), what a cron job must have
/// (a schedule, exactly one instance) and the ranges of the numbers.
public enum ProcessRules {
  /// The longest duration a state file may hold (100 years): far below where the supervisor's
  /// nanosecond arithmetic on it could overflow.
  public static let loadedDurationMaxMs = 100 * 365 * 86_400_000

  /// The accepted number of rotated log files.
  public static let logFilesRange = 1...100

  /// Every problem of `spec`, in a stable order; empty when it is valid.
  ///
  /// `loaded`: `spec` comes from the state file, not from flags. Then the durations are held
  /// only to what the supervisor can compute with (0 to `loadedDurationMaxMs`), not to the
  /// flags' limits, and a cron job's min-uptime is not checked: a file an earlier procctl wrote
  /// within its own (looser) limits stays readable, and the next change can bring it back.
  public static func problems(_ spec: ProcessSpec, loaded: Bool = false) -> [CoreError] {
    var out: [CoreError] = []
    if let p = Name.problem(spec.name, kind: "process name") { out.append(.invalid(p)) }
    if spec.command.isEmpty {
      out.append(.invalid("invalid --command \"\": give a shell command line to run"))
    }
    switch spec.type {
    case .worker:
      if !Limits.instances.contains(spec.instances) {
        out.append(
          .invalid(
            "instances must be between \(Limits.instances.lowerBound) and \(Limits.instances.upperBound), got \(spec.instances)"
          ))
      }
      func cronOnly(_ flag: String) -> CoreError {
        .invalid("\(flag) is only for cron jobs: \"\(spec.name)\" is a worker (use --type cron)")
      }
      if spec.schedule != nil { out.append(cronOnly("--schedule")) }
      if spec.timeZone != nil { out.append(cronOnly("--tz")) }
      if spec.concurrency != nil { out.append(cronOnly("--concurrency")) }
      if spec.timeoutMs != nil { out.append(cronOnly("--timeout")) }
      if spec.catchUp != nil { out.append(cronOnly("--catch-up")) }
    case .cron:
      if spec.instances != 1 {
        out.append(
          .invalid(
            "a cron job runs one instance per run: --instances must be 1, got \(spec.instances)"))
      }
      if spec.schedule == nil {
        out.append(
          .invalid(
            "cron job \"\(spec.name)\" needs --schedule EXPR (5 fields, e.g. \"*/5 * * * *\")"))
      }
      if !loaded && spec.minUptimeMs != Limits.minUptimeDefaultMs {
        out.append(.invalid("--min-uptime is only for workers; cron jobs are not restarted"))
      }
    }
    func duration(_ flag: String, _ ms: Int, max flagMax: Int) {
      let max = loaded ? loadedDurationMaxMs : flagMax
      guard ms < 0 || ms > max else { return }
      let got = ms < 0 ? "\(ms)ms" : DurationSpec.describe(ms: ms)
      out.append(
        .invalid(
          "\(flag) must be between 0 and \(DurationSpec.describeLimit(ms: max)), got \(got)"))
    }
    duration("--min-uptime", spec.minUptimeMs, max: Limits.minUptimeMaxMs)
    duration("--stop-timeout", spec.stopTimeoutMs, max: Limits.stopTimeoutMaxMs)
    if let t = spec.timeoutMs { duration("--timeout", t, max: Limits.cronTimeoutMaxMs) }
    if let n = spec.logFiles, !logFilesRange.contains(n) {
      out.append(
        .invalid(
          "--log-files must be between \(logFilesRange.lowerBound) and \(logFilesRange.upperBound), got \(n)"
        ))
    }
    if let b = spec.logMaxSize, !ByteSize.logMaxSizeRange.contains(b) {
      out.append(
        .invalid(
          "--log-max-size must be between 4KiB and 1GiB, got \(ByteSize.describe(b))"))
    }
    return out
  }
}
