/// The scheduling decisions for one cron job as a pure state machine: given the time, it says
/// which runs to start, skip, stop or record and when to wake up next. The supervisor performs
/// the effects; keeping clocks and processes out of here lets every rule (overlap policies,
/// catch-up, never running a scheduled time twice) be unit-tested with an injected clock.
public struct CronJobMachine: Sendable, Equatable {
  /// Something the supervisor must do, in the order given.
  public enum Effect: Sendable, Equatable {
    /// Write the last scheduled time to disk before acting on it, so a restart never runs the
    /// same scheduled time again.
    case persistLastScheduled(Timestamp)
    /// Start a run for this scheduled time.
    case start(scheduledAt: Timestamp, trigger: CronTrigger)
    /// Stop an active run (the stop ladder) and record it with this outcome.
    case stop(runID: String, outcome: CronOutcome)
    /// Record a run that did not happen (skipped, missed).
    case record(scheduledAt: Timestamp, trigger: CronTrigger, outcome: CronOutcome)
    /// Wake up at this time (nil: never).
    case arm(Timestamp?)
  }

  public private(set) var schedule: CronSchedule
  public private(set) var zone: TimeZoneRules
  public var concurrency: ConcurrencyPolicy
  public var catchUp: CatchUpPolicy
  /// The last scheduled time acted on (run, skipped or missed).
  public private(set) var lastScheduled: Timestamp?
  /// The next scheduled time, once started.
  public private(set) var nextFire: Timestamp?
  /// Active runs, oldest first.
  public private(set) var active: [String] = []

  /// At most this many missed times are recorded one by one after a long downtime.
  public static let missedRecordLimit = CronRun.historyLimit
  /// A scheduled time at most this old when the supervisor starts counts as on time, not missed.
  public static let startGraceMs: Int64 = 2_000

  public init(
    schedule: CronSchedule, zone: TimeZoneRules, concurrency: ConcurrencyPolicy = .forbid,
    catchUp: CatchUpPolicy = .none, lastScheduled: Timestamp? = nil
  ) {
    self.schedule = schedule
    self.zone = zone
    self.concurrency = concurrency
    self.catchUp = catchUp
    self.lastScheduled = lastScheduled
  }

  /// The supervisor (re)starts: scheduled times after the persisted last one that passed while
  /// it was down are missed; `catchUp == .once` runs the latest of them now.
  public mutating func start(now: Timestamp) -> [Effect] {
    var effects: [Effect] = []
    let cutoff = Timestamp(epochMs: now.epochMs - Self.startGraceMs)
    if let last = lastScheduled {
      var missed: [Timestamp] = []
      var cursor = last
      var steps = 0
      while let f = schedule.nextFire(after: cursor, in: zone), f <= cutoff {
        missed.append(f)
        if missed.count > Self.missedRecordLimit + 1 { missed.removeFirst() }
        cursor = f
        steps += 1
        // After a very long downtime, skip ahead instead of walking every minute of it.
        if steps == 10_000, cutoff.epochMs - 86_400_000 > cursor.epochMs {
          cursor = Timestamp(epochMs: cutoff.epochMs - 86_400_000)
        }
      }
      if let latest = missed.last {
        effects.append(.persistLastScheduled(latest))
        lastScheduled = latest
        let older = missed.dropLast().suffix(Self.missedRecordLimit - 1)
        for f in older { effects.append(.record(scheduledAt: f, trigger: .schedule, outcome: .missed)) }
        switch catchUp {
        case .none:
          effects.append(.record(scheduledAt: latest, trigger: .schedule, outcome: .missed))
        case .once:
          effects += decide(scheduledAt: latest, trigger: .catchUp)
        }
      }
    }
    // After a restart, a time within the grace period is not missed: the timer fires for it at
    // once. A job never scheduled before starts with the times after now.
    if lastScheduled == nil { return effects + rearm(now: now) }
    return effects + rearm(now: Timestamp(epochMs: cutoff.epochMs - 1))
  }

  /// The timer fired: act on every scheduled time that is due. Normally one; if the supervisor
  /// was stopped (SIGSTOP, suspend) past several, the older ones are recorded as missed.
  public mutating func timerFired(now: Timestamp) -> [Effect] {
    // Woken early (the clock was set back after the timer was armed): just wait again.
    guard let first = nextFire, first <= now else { return rearm(now: now) }
    var due = [first]
    while let f = schedule.nextFire(after: due[due.count - 1], in: zone), f <= now {
      due.append(f)
      if due.count > Self.missedRecordLimit { due.removeFirst() }
    }
    let latest = due[due.count - 1]
    var effects: [Effect] = [.persistLastScheduled(latest)]
    lastScheduled = latest
    for f in due.dropLast() {
      effects.append(.record(scheduledAt: f, trigger: .schedule, outcome: .missed))
    }
    effects += decide(scheduledAt: latest, trigger: .schedule)
    return effects + rearm(now: now)
  }

  /// `procctl cron run`: a run now, subject to the overlap policy; the schedule is untouched.
  public mutating func manualRun(now: Timestamp) -> [Effect] {
    decide(scheduledAt: now, trigger: .manual)
  }

  /// The supervisor started a run (after a `.start` effect) under this id.
  public mutating func runStarted(_ id: String) { active.append(id) }

  /// A run ended (exited and reaped), whatever the reason.
  public mutating func runEnded(_ id: String) { active.removeAll { $0 == id } }

  /// The job's schedule, zone or policies changed: takes effect at once.
  public mutating func update(
    schedule: CronSchedule, zone: TimeZoneRules, concurrency: ConcurrencyPolicy,
    catchUp: CatchUpPolicy, now: Timestamp
  ) -> [Effect] {
    self.schedule = schedule
    self.zone = zone
    self.concurrency = concurrency
    self.catchUp = catchUp
    return rearm(now: now)
  }

  /// Applies the overlap policy to a run due now.
  private func decide(scheduledAt: Timestamp, trigger: CronTrigger) -> [Effect] {
    if active.isEmpty { return [.start(scheduledAt: scheduledAt, trigger: trigger)] }
    switch concurrency {
    case .allow:
      return [.start(scheduledAt: scheduledAt, trigger: trigger)]
    case .forbid:
      return [.record(scheduledAt: scheduledAt, trigger: trigger, outcome: .skipped)]
    case .replace:
      return active.map { .stop(runID: $0, outcome: .replaced) }
        + [.start(scheduledAt: scheduledAt, trigger: trigger)]
    }
  }

  /// The next scheduled time after both now and the last one acted on (never the same twice,
  /// even if the clock was set back).
  private mutating func rearm(now: Timestamp) -> [Effect] {
    let base = max(now, lastScheduled ?? now)
    nextFire = schedule.nextFire(after: base, in: zone)
    return [.arm(nextFire)]
  }
}
