/// How a cron run ended (or why there was none).
public enum CronOutcome: String, Sendable, CaseIterable {
  /// Still active.
  case running
  /// Exited with code 0.
  case succeeded
  /// Exited with another code, was killed by a signal, or could not be started.
  case failed
  /// Still active after the job's timeout: stopped with the stop ladder.
  case timedOut = "timed-out"
  /// Due while the previous run was active under `--concurrency forbid`: not started.
  case skipped
  /// Stopped because a newer run started under `--concurrency replace`.
  case replaced
  /// Its time passed while no supervisor was running (`--catch-up none`, or older than the one
  /// catch-up run).
  case missed
}

/// What started a run.
public enum CronTrigger: String, Sendable, CaseIterable {
  /// Its scheduled time came.
  case schedule
  /// `procctl cron run`.
  case manual
  /// `--catch-up once` after the supervisor was down through scheduled times.
  case catchUp = "catch-up"
}

/// One entry of a cron job's run history (`runs/APP/NAME.json`, the last 50 per job).
public struct CronRun: Sendable, Equatable {
  public var id: String
  public var app: String
  public var process: String
  public var trigger: CronTrigger
  /// The scheduled time the run belongs to (the request time for a manual run).
  public var scheduledAt: Timestamp
  public var startedAt: Timestamp?
  public var endedAt: Timestamp?
  public var durationMs: Int64?
  /// Set when the run exited normally.
  public var exitCode: Int?
  /// Set when a signal ended the run.
  public var signal: Int?
  public var outcome: CronOutcome
  /// Why a run failed to start, or why it was skipped.
  public var error: String?
  public var pid: Int32?
  /// Where its output was written.
  public var logPath: String?
  /// Seconds the run was active: what billing charges a cron job for.
  public var activeSeconds: Double?

  public init(
    id: String, app: String, process: String, trigger: CronTrigger, scheduledAt: Timestamp,
    startedAt: Timestamp? = nil, endedAt: Timestamp? = nil, durationMs: Int64? = nil,
    exitCode: Int? = nil, signal: Int? = nil, outcome: CronOutcome, error: String? = nil,
    pid: Int32? = nil, logPath: String? = nil, activeSeconds: Double? = nil
  ) {
    self.id = id
    self.app = app
    self.process = process
    self.trigger = trigger
    self.scheduledAt = scheduledAt
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.durationMs = durationMs
    self.exitCode = exitCode
    self.signal = signal
    self.outcome = outcome
    self.error = error
    self.pid = pid
    self.logPath = logPath
    self.activeSeconds = activeSeconds
  }

  /// Runs kept per job.
  public static let historyLimit = 50

  /// Marks the run ended at `end`: duration, active seconds, and the outcome unless one was
  /// already decided (timed out, replaced).
  public mutating func finish(at end: Timestamp, exitCode: Int?, signal: Int?) {
    endedAt = end
    self.exitCode = exitCode
    self.signal = signal
    if let s = startedAt {
      durationMs = max(0, end.epochMs - s.epochMs)
      activeSeconds = Double(durationMs ?? 0) / 1000
    }
    if outcome == .running { outcome = exitCode == 0 ? .succeeded : .failed }
  }
}
