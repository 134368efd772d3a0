import ProcctlCore

/// One process as `show --json` and `list --json` print it. Field names are part of procctl's
/// interface (documented in the README): add fields, never rename them. Optional fields are left
/// out when they do not apply (a worker has no schedule).
public struct ProcessView: Sendable {
  public var app: String
  public var name: String
  public var type: String
  public var command: String
  public var size: String
  public var cpu: Double?
  public var memoryMB: Int?
  public var instances: Int
  public var env: [String: String]
  public var cwd: String
  public var schedule: String?
  public var timeZone: String?
  public var minUptimeMs: Int?
  public var stopTimeoutMs: Int
  public var concurrency: String?
  public var timeoutMs: Int?
  public var catchUp: String?
  public var logMaxSize: Int
  public var logFiles: Int
  /// Fixed monthly cost (workers); 0 for a cron job, which is billed while a run is active.
  public var monthlyCents: Int
  /// Workers: monthly cost / 730 h; cron jobs: the rate of one instance while a run is active.
  public var hourlyMillicents: Int
  /// Written as RFC 3339 UTC with milliseconds.
  public var createdAt: Timestamp
  public var updatedAt: Timestamp
  /// Running instances, once a supervisor reports them (issue 3); absent until then. For a cron
  /// job: its active runs.
  public var running: Int?
  /// Cron jobs under a running supervisor: when the next run starts (RFC 3339, job's zone).
  public var nextRunAt: String?

  public init(app: String, spec p: ProcessSpec, size: PodSize?) {
    self.app = app
    name = p.name
    type = p.type.rawValue
    command = p.command
    self.size = p.size
    cpu = size.map { Double($0.milliCPU) / 1000 }
    memoryMB = size?.memoryMB
    instances = p.instances
    env = p.env
    cwd = p.cwd
    schedule = p.schedule
    timeZone = p.type == .cron ? (p.timeZone ?? "UTC") : nil
    minUptimeMs = p.type == .worker ? p.minUptimeMs : nil
    stopTimeoutMs = p.stopTimeoutMs
    concurrency = p.type == .cron ? (p.concurrency ?? .forbid).rawValue : nil
    timeoutMs = p.timeoutMs
    catchUp = p.type == .cron ? (p.catchUp ?? CatchUpPolicy.none).rawValue : nil
    logMaxSize = p.logMaxSize ?? Limits.logMaxSizeDefault
    logFiles = p.logFiles ?? Limits.logFilesDefault
    let monthly = Pricing.monthly(p, size: size)
    monthlyCents = monthly.value
    hourlyMillicents = ProcessView.hourlyMillicents(p, size: size)
    createdAt = p.createdAt
    updatedAt = p.updatedAt
  }

  /// Workers: the whole process per hour; cron jobs: one instance per hour of an active run.
  static func hourlyMillicents(_ p: ProcessSpec, size: PodSize?) -> Int {
    guard let size else { return 0 }
    return p.type == .cron
      ? BillingPeriod.hourlyMillicents(monthly: size.monthly)
      : BillingPeriod.hourlyMillicents(monthly: size.monthly * p.instances)
  }
}
