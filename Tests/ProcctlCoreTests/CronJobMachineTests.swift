import ProcctlCore
import Testing

@Suite("Cron job machine: scheduling decisions with an injected clock")
struct CronJobMachineTests {
  typealias E = CronJobMachine.Effect

  func machine(
    _ expr: String = "* * * * *", _ tz: String = "UTC", concurrency: ConcurrencyPolicy = .forbid,
    catchUp: CatchUpPolicy = .none, last: String? = nil
  ) throws -> CronJobMachine {
    CronJobMachine(
      schedule: try CronSchedule(parsing: expr), zone: zone(tz), concurrency: concurrency,
      catchUp: catchUp, lastScheduled: last.map(ts))
  }

  @Test func newJobWaitsForItsFirstTime() throws {
    var m = try machine()
    #expect(m.start(now: ts("2026-01-01T10:00:30Z")) == [.arm(ts("2026-01-01T10:01:00Z"))])
    #expect(m.timerFired(now: ts("2026-01-01T10:01:00.010Z")) == [
      .persistLastScheduled(ts("2026-01-01T10:01:00Z")),
      .start(scheduledAt: ts("2026-01-01T10:01:00Z"), trigger: .schedule),
      .arm(ts("2026-01-01T10:02:00Z")),
    ])
  }

  @Test func earlyWakeWaitsAgain() throws {
    var m = try machine()
    _ = m.start(now: ts("2026-01-01T10:00:30Z"))
    #expect(m.timerFired(now: ts("2026-01-01T10:00:59.990Z")) == [.arm(ts("2026-01-01T10:01:00Z"))])
  }

  @Test(arguments: [ConcurrencyPolicy.forbid, .allow, .replace])
  func overlapPolicies(_ policy: ConcurrencyPolicy) throws {
    var m = try machine(concurrency: policy)
    _ = m.start(now: ts("2026-01-01T10:00:30Z"))
    _ = m.timerFired(now: ts("2026-01-01T10:01:00Z"))
    m.runStarted("r1")
    let at = ts("2026-01-01T10:02:00Z")
    let effects = m.timerFired(now: at)
    let middle: [E]
    switch policy {
    case .forbid: middle = [.record(scheduledAt: at, trigger: .schedule, outcome: .skipped)]
    case .allow: middle = [.start(scheduledAt: at, trigger: .schedule)]
    case .replace:
      middle = [.stop(runID: "r1", outcome: .replaced), .start(scheduledAt: at, trigger: .schedule)]
    }
    #expect(effects == [.persistLastScheduled(at)] + middle + [.arm(ts("2026-01-01T10:03:00Z"))])
    m.runEnded("r1")
    #expect(m.active.isEmpty)
    #expect(m.manualRun(now: ts("2026-01-01T10:02:30Z")) == [
      .start(scheduledAt: ts("2026-01-01T10:02:30Z"), trigger: .manual)
    ])
  }

  @Test func manualRunFollowsForbid() throws {
    var m = try machine("0 0 * * *")
    m.runStarted("r1")
    #expect(m.manualRun(now: ts("2026-01-01T10:00:00Z")) == [
      .record(scheduledAt: ts("2026-01-01T10:00:00Z"), trigger: .manual, outcome: .skipped)
    ])
  }

  @Test func catchUpOnceRunsOnceAfterDowntime() throws {
    var m = try machine(catchUp: .once, last: "2026-01-01T10:00:00Z")
    let effects = m.start(now: ts("2026-01-01T10:05:30Z"))
    #expect(effects == [
      .persistLastScheduled(ts("2026-01-01T10:05:00Z")),
      .record(scheduledAt: ts("2026-01-01T10:01:00Z"), trigger: .schedule, outcome: .missed),
      .record(scheduledAt: ts("2026-01-01T10:02:00Z"), trigger: .schedule, outcome: .missed),
      .record(scheduledAt: ts("2026-01-01T10:03:00Z"), trigger: .schedule, outcome: .missed),
      .record(scheduledAt: ts("2026-01-01T10:04:00Z"), trigger: .schedule, outcome: .missed),
      .start(scheduledAt: ts("2026-01-01T10:05:00Z"), trigger: .catchUp),
      .arm(ts("2026-01-01T10:06:00Z")),
    ])
    // Restarted again at once: nothing runs twice.
    var again = try machine(catchUp: .once, last: "2026-01-01T10:05:00Z")
    #expect(again.start(now: ts("2026-01-01T10:05:40Z")) == [.arm(ts("2026-01-01T10:06:00Z"))])
  }

  @Test func catchUpNoneRecordsTheMissedTimes() throws {
    var m = try machine("0 * * * *", last: "2026-01-01T10:00:00Z")
    #expect(m.start(now: ts("2026-01-01T12:30:00Z")) == [
      .persistLastScheduled(ts("2026-01-01T12:00:00Z")),
      .record(scheduledAt: ts("2026-01-01T11:00:00Z"), trigger: .schedule, outcome: .missed),
      .record(scheduledAt: ts("2026-01-01T12:00:00Z"), trigger: .schedule, outcome: .missed),
      .arm(ts("2026-01-01T13:00:00Z")),
    ])
  }

  @Test func longDowntimeRecordsAtMostTheHistoryLimit() throws {
    var m = try machine(catchUp: .once, last: "2025-01-01T00:00:00Z")
    let effects = m.start(now: ts("2026-01-01T10:00:30Z"))
    let records = effects.filter { if case .record = $0 { return true } else { return false } }
    #expect(records.count == CronRun.historyLimit - 1)
    #expect(effects.contains(.start(scheduledAt: ts("2026-01-01T10:00:00Z"), trigger: .catchUp)))
    #expect(effects.last == .arm(ts("2026-01-01T10:01:00Z")))
  }

  @Test func timeJustPassedAtStartIsNotMissed() throws {
    var m = try machine(last: "2026-01-01T10:00:00Z")
    #expect(m.start(now: ts("2026-01-01T10:01:01Z")) == [.arm(ts("2026-01-01T10:01:00Z"))])
    #expect(m.timerFired(now: ts("2026-01-01T10:01:01Z")).contains(
      .start(scheduledAt: ts("2026-01-01T10:01:00Z"), trigger: .schedule)))
  }

  @Test func newJobDoesNotRunATimeBeforeItsStart() throws {
    var m = try machine()
    #expect(m.start(now: ts("2026-01-01T10:01:00.500Z")) == [.arm(ts("2026-01-01T10:02:00Z"))])
  }

  @Test func clockSetBackNeverRepeatsATime() throws {
    var m = try machine(last: "2026-01-01T10:05:00Z")
    #expect(m.start(now: ts("2026-01-01T09:00:00Z")) == [.arm(ts("2026-01-01T10:06:00Z"))])
  }

  /// The repeated hour: a fixed-time job that ran in the first pass does not run again after a
  /// restart during the second; a wildcard job's second-pass time is a new scheduled time.
  @Test func dstRepeatAcrossRestart() throws {
    var fixed = try machine(
      "30 2 * * *", "Europe/Amsterdam", catchUp: .once, last: "2026-10-25T02:30:00+02:00")
    #expect(fixed.start(now: ts("2026-10-25T02:45:00+01:00")) == [
      .arm(ts("2026-10-26T02:30:00+01:00"))
    ])
    var wild = try machine(
      "30 * * * *", "Europe/Amsterdam", catchUp: .once, last: "2026-10-25T02:30:00+02:00")
    #expect(wild.start(now: ts("2026-10-25T02:45:00+01:00")) == [
      .persistLastScheduled(ts("2026-10-25T02:30:00+01:00")),
      .start(scheduledAt: ts("2026-10-25T02:30:00+01:00"), trigger: .catchUp),
      .arm(ts("2026-10-25T03:30:00+01:00")),
    ])
  }

  @Test func scheduleChangeTakesEffectAtOnce() throws {
    var m = try machine("0 0 * * *")
    _ = m.start(now: ts("2026-01-01T10:00:30Z"))
    #expect(m.nextFire == ts("2026-01-02T00:00:00Z"))
    let effects = m.update(
      schedule: try CronSchedule(parsing: "*/5 * * * *"), zone: .utc, concurrency: .allow,
      catchUp: .none, now: ts("2026-01-01T10:01:00Z"))
    #expect(effects == [.arm(ts("2026-01-01T10:05:00Z"))])
  }

  @Test func suspendedPastSeveralTimesRunsTheLatest() throws {
    var m = try machine()
    _ = m.start(now: ts("2026-01-01T10:00:30Z"))
    #expect(m.timerFired(now: ts("2026-01-01T10:03:10Z")) == [
      .persistLastScheduled(ts("2026-01-01T10:03:00Z")),
      .record(scheduledAt: ts("2026-01-01T10:01:00Z"), trigger: .schedule, outcome: .missed),
      .record(scheduledAt: ts("2026-01-01T10:02:00Z"), trigger: .schedule, outcome: .missed),
      .start(scheduledAt: ts("2026-01-01T10:03:00Z"), trigger: .schedule),
      .arm(ts("2026-01-01T10:04:00Z")),
    ])
  }
}
