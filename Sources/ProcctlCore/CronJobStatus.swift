/// A cron job as the running scheduler reports it (`cron/status.json`, beside the supervisor's
/// `status.json`): when it runs next and which runs are active, for `ps` and `list`.
public struct CronJobStatus: Sendable, Equatable {
  public var app: String
  public var process: String
  public var nextRunAt: Timestamp?
  public var activeRuns: [ActiveRun]
  /// The most recent entry of its history.
  public var lastRun: CronRun?

  public struct ActiveRun: Sendable, Equatable {
    public var id: String
    public var pid: Int32
    public var startedAt: Timestamp
    public init(id: String, pid: Int32, startedAt: Timestamp) {
      self.id = id
      self.pid = pid
      self.startedAt = startedAt
    }
  }

  public init(
    app: String, process: String, nextRunAt: Timestamp?, activeRuns: [ActiveRun],
    lastRun: CronRun?
  ) {
    self.app = app
    self.process = process
    self.nextRunAt = nextRunAt
    self.activeRuns = activeRuns
    self.lastRun = lastRun
  }
}
