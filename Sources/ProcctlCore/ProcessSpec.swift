/// The desired state of one process of an application, as the operator declared it.
public struct ProcessSpec: Sendable, Equatable {
  public var name: String
  public var type: ProcessType
  /// A shell command line, run with `/bin/sh -c`.
  public var command: String
  /// Pod size name from the catalogue (lowercase).
  public var size: String
  /// 1...50 for a worker; always 1 for a cron job.
  public var instances: Int
  public var env: [String: String]
  /// Absolute working directory.
  public var cwd: String
  /// Cron jobs only: the 5-field expression or macro, and its IANA time zone.
  public var schedule: String?
  public var timeZone: String?
  /// Workers: a run shorter than this is a crash; restart with backoff.
  public var minUptimeMs: Int
  /// How long a stop waits after SIGTERM before SIGKILL.
  public var stopTimeoutMs: Int
  /// Cron jobs: overlap, timeout and missed-run policies.
  public var concurrency: ConcurrencyPolicy?
  public var timeoutMs: Int?
  public var catchUp: CatchUpPolicy?
  /// Log rotation: bytes per file and number of rotated files kept (nil: the defaults).
  public var logMaxSize: Int?
  public var logFiles: Int?
  /// Bumped by `procctl restart` so the running supervisor performs a rolling restart.
  public var restartGeneration: Int
  public var createdAt: Timestamp
  public var updatedAt: Timestamp

  public init(
    name: String, type: ProcessType, command: String, size: String = SizeCatalogue.defaultSizeName,
    instances: Int = 1, env: [String: String] = [:], cwd: String, schedule: String? = nil,
    timeZone: String? = nil, minUptimeMs: Int = Limits.minUptimeDefaultMs,
    stopTimeoutMs: Int = Limits.stopTimeoutDefaultMs, concurrency: ConcurrencyPolicy? = nil,
    timeoutMs: Int? = nil, catchUp: CatchUpPolicy? = nil, logMaxSize: Int? = nil,
    logFiles: Int? = nil, restartGeneration: Int = 0, createdAt: Timestamp, updatedAt: Timestamp
  ) {
    self.name = name
    self.type = type
    self.command = command
    self.size = size
    self.instances = instances
    self.env = env
    self.cwd = cwd
    self.schedule = schedule
    self.timeZone = timeZone
    self.minUptimeMs = minUptimeMs
    self.stopTimeoutMs = stopTimeoutMs
    self.concurrency = concurrency
    self.timeoutMs = timeoutMs
    self.catchUp = catchUp
    self.logMaxSize = logMaxSize
    self.logFiles = logFiles
    self.restartGeneration = restartGeneration
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  /// The instance names of this process: "worker.1" ... "worker.N".
  public func instanceName(_ index: Int) -> String { "\(name).\(index)" }

  /// True when a change from `old` to `self` requires restarting running instances (a rolling
  /// restart): the command line, environment or working directory changed, or a restart was asked.
  public func needsRestart(comparedTo old: ProcessSpec) -> Bool {
    command != old.command || env != old.env || cwd != old.cwd
      || restartGeneration != old.restartGeneration
  }
}
