import Foundation
import ProcctlCore
import ProcctlStore
import ProcctlSupervisor
import ProcctlTestSupport
import Testing

/// A clock, timers and processes that exist only in memory: the scheduler's policies are checked
/// in virtual time, with no real minute to wait for.
final class FakeCronRuntime: CronRuntime {
  var clock: Timestamp
  var timers: [(token: Int, at: Int64, action: () -> Void)] = []
  var nextToken = 1
  var nextPid: Int32 = 1000
  var launches: [CronLaunch] = []
  var signals: [(pid: Int32, signal: Int32)] = []
  var lines: [String] = []
  var failSpawn = false

  init(_ start: String) { clock = Timestamp.parse(start)! }

  func now() -> Timestamp { clock }
  func schedule(afterMs ms: Int, _ action: @escaping () -> Void) -> Int {
    defer { nextToken += 1 }
    timers.append((nextToken, clock.epochMs + Int64(ms), action))
    return nextToken
  }
  func schedule(at: Timestamp, _ action: @escaping () -> Void) -> Int {
    defer { nextToken += 1 }
    timers.append((nextToken, at.epochMs, action))
    return nextToken
  }
  func cancelTimer(_ token: Int) { timers.removeAll { $0.token == token } }
  func spawn(_ launch: CronLaunch) -> Result<Int32, CronSpawnFailure> {
    if failSpawn { return .failure(CronSpawnFailure("chdir /nope: No such file or directory")) }
    launches.append(launch)
    nextPid += 1
    return .success(nextPid)
  }
  func signalGroup(_ pid: Int32, _ signal: Int32) { signals.append((pid, signal)) }
  func log(_ line: String) { lines.append(line) }

  /// Moves the clock forward to `to`, firing due timers in order (each at its own time).
  func advance(to: String) {
    let end = Timestamp.parse(to)!.epochMs
    while let next = timers.filter({ $0.at <= end }).min(by: { $0.at < $1.at }) {
      clock = Timestamp(epochMs: max(clock.epochMs, next.at))
      timers.removeAll { $0.token == next.token }
      next.action()
    }
    clock = Timestamp(epochMs: max(clock.epochMs, end))
  }

  var terms: [Int32] { signals.filter { $0.signal == SIGTERM }.map(\.pid) }
  var kills: [Int32] { signals.filter { $0.signal == SIGKILL }.map(\.pid) }
}

@Suite("Cron scheduler with a virtual clock")
struct CronSchedulerTests {
  /// When the jobs were created (and, unless `updated` says otherwise, last changed): a job
  /// never scheduled before counts missed times from there, so it is just before the tests'
  /// starts (10:00:30) and after their last minute boundary.
  let created = Timestamp.parse("2026-01-01T10:00:00Z")!

  func doc(_ schedule: String = "* * * * *", tz: String = "UTC", concurrency: ConcurrencyPolicy? = nil,
    timeoutMs: Int? = nil, catchUp: CatchUpPolicy? = nil, jobs: [String] = ["job"],
    created: String? = nil, updated: String? = nil) -> StateDocument
  {
    let createdAt = created.flatMap(Timestamp.parse) ?? self.created
    let specs = jobs.map {
      ProcessSpec(
        name: $0, type: .cron, command: "true", cwd: "/", schedule: schedule, timeZone: tz,
        stopTimeoutMs: 2000, concurrency: concurrency, timeoutMs: timeoutMs, catchUp: catchUp,
        createdAt: createdAt, updatedAt: updated.flatMap(Timestamp.parse) ?? createdAt)
    }
    return StateDocument(apps: [Application(name: "app", createdAt: createdAt, processes: specs)])
  }

  /// A scheduler restarted at `restartedAt` over `store` starts nothing of `d` at once (no
  /// scheduled time runs twice) and next runs it at `nextRunAt`.
  func expectNothingRunsAgain(
    _ d: StateDocument, store: CronStore, restartedAt: String, nextRunAt: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let rt = FakeCronRuntime(restartedAt)
    let s = CronScheduler(runtime: rt, store: store)
    s.apply(d, catalogue: .builtIn, apps: [])
    #expect(rt.launches.isEmpty, sourceLocation: sourceLocation)
    #expect(
      s.status().first?.nextRunAt == Timestamp.parse(nextRunAt), sourceLocation: sourceLocation)
  }

  func withScheduler(
    _ start: String, _ body: (FakeCronRuntime, CronScheduler, CronStore) throws -> Void
  ) throws {
    let home = TempHome()
    defer { home.remove() }
    let rt = FakeCronRuntime(start)
    let store = CronStore(paths: StatePaths(home: home.path))
    try body(rt, CronScheduler(runtime: rt, store: store), store)
  }

  @Test func firesAtTheMinuteWithRunEnvironmentAndRecordsTheRun() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      s.apply(doc(), catalogue: .builtIn, apps: [])
      #expect(rt.timers.map(\.at) == [Timestamp.parse("2026-01-01T10:01:00Z")!.epochMs])
      #expect(s.status().first?.nextRunAt == Timestamp.parse("2026-01-01T10:01:00Z"))
      rt.advance(to: "2026-01-01T10:01:00Z")
      let l = try #require(rt.launches.first)
      #expect(l.environment["PROCCTL_SCHEDULED_AT"] == "2026-01-01T10:01:00Z")
      #expect(l.environment["PROCCTL_RUN_ID"] == l.runID)
      #expect(l.environment["PROCCTL_POD_SIZE"] == "s1")
      #expect(s.status().first?.activeRuns.map(\.id) == [l.runID])
      rt.advance(to: "2026-01-01T10:01:02.500Z")
      #expect(s.childExited(pid: 1001, waitStatus: 0))
      let runs = try store.history(app: "app", process: "job")
      #expect(runs.count == 1)
      #expect(runs[0].outcome == .succeeded)
      #expect(runs[0].trigger == .schedule)
      #expect(runs[0].activeSeconds == 2.5)
      #expect(runs[0].durationMs == 2500)
      #expect(runs[0].exitCode == 0)
      #expect(runs[0].logPath?.hasSuffix("/logs/app/job/runs/\(l.runID).log") == true)
      #expect(!s.childExited(pid: 4242, waitStatus: 0))
    }
  }

  @Test func forbidSkipsWhileARunIsActive() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      s.apply(doc(concurrency: .forbid), catalogue: .builtIn, apps: [])
      rt.advance(to: "2026-01-01T10:02:30Z")
      #expect(rt.launches.count == 1)
      let runs = try store.history(app: "app", process: "job")
      #expect(runs.map(\.outcome) == [.running, .skipped])
      #expect(runs[1].scheduledAt == Timestamp.parse("2026-01-01T10:02:00Z"))
      // After the run ends, the next time runs again.
      _ = s.childExited(pid: 1001, waitStatus: 1 << 8)
      rt.advance(to: "2026-01-01T10:03:00Z")
      #expect(rt.launches.count == 2)
      #expect(try store.history(app: "app", process: "job").map(\.outcome) == [.failed, .skipped, .running])
    }
  }

  @Test func replaceStopsTheActiveRun() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      s.apply(doc(concurrency: .replace), catalogue: .builtIn, apps: [])
      rt.advance(to: "2026-01-01T10:02:00Z")
      #expect(rt.launches.count == 2)
      #expect(rt.terms == [1001])
      _ = s.childExited(pid: 1001, waitStatus: SIGTERM)
      let runs = try store.history(app: "app", process: "job")
      #expect(runs.map(\.outcome) == [.replaced, .running])
      #expect(runs[0].signal == Int(SIGTERM))
    }
  }

  @Test func allowRunsBoth() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, _ in
      s.apply(doc(concurrency: .allow), catalogue: .builtIn, apps: [])
      rt.advance(to: "2026-01-01T10:02:00Z")
      #expect(rt.launches.count == 2)
      #expect(rt.signals.isEmpty)
      #expect(s.activeRunCount == 2)
    }
  }

  @Test func timeoutStopsWithTheLadder() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      s.apply(doc("0 * * * *", timeoutMs: 5000), catalogue: .builtIn, apps: [])
      rt.advance(to: "2026-01-01T11:00:04Z")
      #expect(rt.signals.isEmpty)
      rt.advance(to: "2026-01-01T11:00:05Z")
      #expect(rt.terms == [1001])
      rt.advance(to: "2026-01-01T11:00:07Z")  // the job ignores SIGTERM: SIGKILL after 2 s
      #expect(rt.kills == [1001])
      _ = s.childExited(pid: 1001, waitStatus: SIGKILL)
      let run = try #require(try store.history(app: "app", process: "job").last)
      #expect(run.outcome == .timedOut)
      #expect(run.signal == Int(SIGKILL))
      #expect(run.durationMs == 7000)
    }
  }

  @Test func catchUpOnceRunsOnceAfterARestart() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let d = doc("*/5 * * * *", catchUp: .once, created: "2026-01-01T09:59:00Z")
    let rt1 = FakeCronRuntime("2026-01-01T09:59:30Z")
    let s1 = CronScheduler(runtime: rt1, store: store)
    s1.apply(d, catalogue: .builtIn, apps: [])
    rt1.advance(to: "2026-01-01T10:00:00Z")
    _ = s1.childExited(pid: 1001, waitStatus: 0)
    // The supervisor is down from 10:00:10 to 10:17.
    let rt2 = FakeCronRuntime("2026-01-01T10:17:00Z")
    let s2 = CronScheduler(runtime: rt2, store: store)
    s2.apply(d, catalogue: .builtIn, apps: [])
    #expect(rt2.launches.map(\.scheduledAt) == [Timestamp.parse("2026-01-01T10:15:00Z")!])
    let runs = try store.history(app: "app", process: "job")
    #expect(runs.map(\.outcome) == [.succeeded, .missed, .missed, .running])
    #expect(runs.last?.trigger == .catchUp)
    // Restarted again right away: nothing runs twice.
    expectNothingRunsAgain(
      d, store: store, restartedAt: "2026-01-01T10:17:05Z", nextRunAt: "2026-01-01T10:20:00Z")
  }

  /// After a restart the status shows the job's last run from its history at once, not "-".
  @Test func theLastRunComesFromTheHistoryAfterARestart() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt1, s1, store in
      s1.apply(doc(), catalogue: .builtIn, apps: [])
      rt1.advance(to: "2026-01-01T10:01:00Z")
      _ = s1.childExited(pid: 1001, waitStatus: 2 << 8)
      let id = try #require(rt1.launches.first?.runID)
      let s2 = CronScheduler(runtime: FakeCronRuntime("2026-01-01T10:01:30Z"), store: store)
      s2.apply(doc(), catalogue: .builtIn, apps: [])
      let last = try #require(s2.status().first?.lastRun)
      #expect(last.id == id)
      #expect(last.outcome == .failed)
      #expect(last.exitCode == 2)
    }
  }

  @Test func runsOfAKilledSupervisorAreClosed() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let rt1 = FakeCronRuntime("2026-01-01T10:00:30Z")
    let s1 = CronScheduler(runtime: rt1, store: store)
    s1.apply(doc(), catalogue: .builtIn, apps: [])
    rt1.advance(to: "2026-01-01T10:01:00Z")
    // s1 is killed with its run; a new supervisor starts.
    let s2 = CronScheduler(runtime: FakeCronRuntime("2026-01-01T10:01:30Z"), store: store)
    s2.apply(doc(), catalogue: .builtIn, apps: [])
    let runs = try store.history(app: "app", process: "job")
    #expect(runs.map(\.outcome) == [.failed])
    #expect(runs[0].error == "the supervisor stopped before the run ended")
  }

  @Test func anotherAppsMemoryIsKept() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let other = CronJobMemory(lastScheduledAt: Timestamp.parse("2026-01-01T08:00:00Z")!, jobCreatedAt: created)
    try store.writeMemory(["other/job": other, "app/gone": other])
    let s = CronScheduler(runtime: FakeCronRuntime("2026-01-01T10:00:30Z"), store: store)
    s.apply(doc(), catalogue: .builtIn, apps: ["app"])
    let kept = store.readMemory()
    #expect(kept["other/job"] == other)
    #expect(kept["app/gone"] == nil)
    #expect(kept["app/job"]?.lastScheduledAt == created)  // its starting point
  }

  @Test func catchUpNoneRecordsMissedAndWaits() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    try store.writeMemory([
      "app/job": CronJobMemory(
        lastScheduledAt: Timestamp.parse("2026-01-01T08:00:00Z")!, jobCreatedAt: created)
    ])
    let rt = FakeCronRuntime("2026-01-01T10:30:00Z")
    let s = CronScheduler(runtime: rt, store: store)
    s.apply(doc("0 * * * *"), catalogue: .builtIn, apps: [])
    #expect(rt.launches.isEmpty)
    #expect(try store.history(app: "app", process: "job").map(\.outcome) == [.missed, .missed])
    #expect(store.readMemory()["app/job"]?.lastScheduledAt == Timestamp.parse("2026-01-01T10:00:00Z"))
  }

  @Test func scheduleChangesAndDeletionTakeEffectAtOnce() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      s.apply(doc("0 0 * * *"), catalogue: .builtIn, apps: [])
      #expect(s.status().first?.nextRunAt == Timestamp.parse("2026-01-02T00:00:00Z"))
      s.apply(doc("*/10 * * * *"), catalogue: .builtIn, apps: [])
      #expect(s.status().first?.nextRunAt == Timestamp.parse("2026-01-01T10:10:00Z"))
      #expect(rt.timers.count == 1)
      rt.advance(to: "2026-01-01T10:10:00Z")
      #expect(rt.launches.count == 1)
      s.apply(doc(jobs: []), catalogue: .builtIn, apps: [])
      #expect(rt.terms == [1001])
      #expect(s.status().isEmpty)
      #expect(rt.timers.count == 1)  // only the stop ladder's kill timer
      _ = s.childExited(pid: 1001, waitStatus: SIGTERM)
      let left = try store.history(app: "app", process: "job")
      #expect(left.isEmpty)
    }
  }

  @Test func manualRunsFollowTheOverlapPolicy() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      s.apply(doc("0 0 * * *"), catalogue: .builtIn, apps: [])
      let first = s.manualRun(app: "app", process: "job")
      #expect(first.outcome == .running)
      #expect(rt.launches.first?.runID == first.runID)
      let second = s.manualRun(app: "app", process: "job")
      #expect(second.outcome == .skipped)
      let runs = try store.history(app: "app", process: "job")
      #expect(runs.map(\.trigger) == [.manual, .manual])
      #expect(s.manualRun(app: "app", process: "nope").error != nil)
    }
  }

  @Test func spawnFailureIsRecordedAsFailed() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, store in
      rt.failSpawn = true
      s.apply(doc(), catalogue: .builtIn, apps: [])
      rt.advance(to: "2026-01-01T10:01:00Z")
      let run = try #require(try store.history(app: "app", process: "job").first)
      #expect(run.outcome == .failed)
      #expect(run.error?.contains("chdir") == true)
      #expect(s.activeRunCount == 0)
    }
  }

  @Test func shutdownStopsActiveRuns() throws {
    try withScheduler("2026-01-01T10:00:30Z") { rt, s, _ in
      s.apply(doc(concurrency: .allow), catalogue: .builtIn, apps: [])
      rt.advance(to: "2026-01-01T10:02:00Z")
      s.shutdown()
      #expect(Set(rt.terms) == [1001, 1002])
      #expect(rt.timers.count == 2)  // the kill timers; no schedule timer
      _ = s.childExited(pid: 1001, waitStatus: SIGTERM)
      _ = s.childExited(pid: 1002, waitStatus: 0)
      #expect(s.activeRunCount == 0)
    }
  }

  /// The audit's case: a job created while `up` runs, `up` stopped before its first time and
  /// started again two minutes later. Its starting point was persisted when it was scheduled,
  /// so the times in between are missed and `once` runs the latest, exactly once.
  @Test func firstTimesMissedWhileDownAreCaughtUp() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let d = doc(catchUp: .once, created: "2026-01-01T10:00:20Z")
    let rt1 = FakeCronRuntime("2026-01-01T10:00:20.050Z")
    CronScheduler(runtime: rt1, store: store).apply(d, catalogue: .builtIn, apps: [])
    let point = try #require(store.readMemory()["app/job"])
    #expect(point.lastScheduledAt == Timestamp.parse("2026-01-01T10:00:20Z"))
    #expect(point.schedule == "* * * * *")
    #expect(point.timeZone == "UTC")
    rt1.advance(to: "2026-01-01T10:00:40Z")  // stopped before 10:01
    #expect(rt1.launches.isEmpty)
    let rt2 = FakeCronRuntime("2026-01-01T10:02:40Z")
    let s2 = CronScheduler(runtime: rt2, store: store)
    s2.apply(d, catalogue: .builtIn, apps: [])
    #expect(rt2.launches.map(\.scheduledAt) == [Timestamp.parse("2026-01-01T10:02:00Z")!])
    let runs = try store.history(app: "app", process: "job")
    #expect(runs.map(\.outcome) == [.missed, .running])
    #expect(runs.map(\.trigger) == [.schedule, .catchUp])
    #expect(runs.first?.scheduledAt == Timestamp.parse("2026-01-01T10:01:00Z"))
    // Restarted once more: 10:02 is not run again.
    expectNothingRunsAgain(
      d, store: store, restartedAt: "2026-01-01T10:02:50Z", nextRunAt: "2026-01-01T10:03:00Z")
  }

  /// Created while no supervisor ran: its times since its creation were missed.
  @Test func aJobNeverScheduledCountsFromItsCreation() throws {
    try withScheduler("2026-01-01T10:03:30Z") { rt, s, store in
      s.apply(doc(created: "2026-01-01T10:00:20Z"), catalogue: .builtIn, apps: [])
      #expect(rt.launches.isEmpty)
      let runs = try store.history(app: "app", process: "job")
      #expect(runs.map(\.outcome) == [.missed, .missed, .missed])
      #expect(runs.first?.scheduledAt == Timestamp.parse("2026-01-01T10:01:00Z"))
      #expect(s.status().first?.nextRunAt == Timestamp.parse("2026-01-01T10:04:00Z"))
      #expect(store.readMemory()["app/job"]?.lastScheduledAt == Timestamp.parse("2026-01-01T10:03:00Z"))
    }
  }

  /// The schedule was changed while no supervisor ran: the new schedule's missed times count
  /// from the change (the job's updatedAt), not from the old schedule's last time.
  @Test func aScheduleChangedWhileDownCountsFromTheChange() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    try store.writeMemory([
      "app/job": CronJobMemory(
        lastScheduledAt: Timestamp.parse("2026-01-01T08:00:00Z")!, jobCreatedAt: created,
        schedule: "0 * * * *", timeZone: "UTC")
    ])
    let rt = FakeCronRuntime("2026-01-01T10:31:00Z")
    let s = CronScheduler(runtime: rt, store: store)
    s.apply(doc("*/10 * * * *", updated: "2026-01-01T10:05:00Z"), catalogue: .builtIn, apps: [])
    let runs = try store.history(app: "app", process: "job")
    #expect(runs.map(\.scheduledAt) == ["10:10", "10:20", "10:30"].map {
      Timestamp.parse("2026-01-01T\($0):00Z")!
    })
    #expect(runs.allSatisfy { $0.outcome == .missed })
    #expect(store.readMemory()["app/job"]?.schedule == "*/10 * * * *")
  }

  /// Changed while the supervisor runs: the new schedule's window starts at the change, on
  /// disk at once, so a restart does not count the new schedule's times from before it.
  @Test func aScheduleChangeUnderTheSupervisorIsRemembered() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let rt1 = FakeCronRuntime("2026-01-01T10:00:30Z")
    let s1 = CronScheduler(runtime: rt1, store: store)
    s1.apply(doc("0 0 * * *"), catalogue: .builtIn, apps: [])
    rt1.advance(to: "2026-01-01T10:04:00Z")
    s1.apply(doc("*/10 * * * *", updated: "2026-01-01T10:03:59Z"), catalogue: .builtIn, apps: [])
    let m = try #require(store.readMemory()["app/job"])
    #expect(m.lastScheduledAt == Timestamp.parse("2026-01-01T10:04:00Z"))
    #expect(m.schedule == "*/10 * * * *")
    // Down from 10:05 to 10:25: 10:10 and 10:20 were missed, nothing before.
    let rt2 = FakeCronRuntime("2026-01-01T10:25:00Z")
    CronScheduler(runtime: rt2, store: store).apply(
      doc("*/10 * * * *", updated: "2026-01-01T10:03:59Z"), catalogue: .builtIn, apps: [])
    #expect(try store.history(app: "app", process: "job").map(\.scheduledAt) == [
      Timestamp.parse("2026-01-01T10:10:00Z")!, Timestamp.parse("2026-01-01T10:20:00Z")!,
    ])
  }

  /// The memory file is lost: the history's latest scheduled time still keeps it from running
  /// again.
  @Test func aLostMemoryDoesNotRunARecordedTimeAgain() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let d = doc(catchUp: .once)
    let rt1 = FakeCronRuntime("2026-01-01T10:00:30Z")
    let s1 = CronScheduler(runtime: rt1, store: store)
    s1.apply(d, catalogue: .builtIn, apps: [])
    rt1.advance(to: "2026-01-01T10:01:00Z")
    _ = s1.childExited(pid: 1001, waitStatus: 0)
    #expect(unlink(store.memoryFile) == 0)
    let rt2 = FakeCronRuntime("2026-01-01T10:01:30Z")
    let s2 = CronScheduler(runtime: rt2, store: store)
    s2.apply(d, catalogue: .builtIn, apps: [])
    #expect(rt2.launches.isEmpty)
    #expect(s2.status().first?.nextRunAt == Timestamp.parse("2026-01-01T10:02:00Z"))
  }

  /// A DST fall-back hour with a supervisor restart inside it: the fixed-time job ran in the
  /// first pass and does not run again.
  @Test func repeatedHourAcrossARestart() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let d = doc(
      "30 2 * * *", tz: "Europe/Amsterdam", catchUp: .once, created: "2026-10-25T01:00:00+02:00")
    let rt1 = FakeCronRuntime("2026-10-25T02:00:00+02:00")
    let s1 = CronScheduler(runtime: rt1, store: store)
    s1.apply(d, catalogue: .builtIn, apps: [])
    rt1.advance(to: "2026-10-25T02:31:00+02:00")
    #expect(rt1.launches.count == 1)
    _ = s1.childExited(pid: 1001, waitStatus: 0)
    let rt2 = FakeCronRuntime("2026-10-25T02:40:00+01:00")
    let s2 = CronScheduler(runtime: rt2, store: store)
    s2.apply(d, catalogue: .builtIn, apps: [])
    #expect(rt2.launches.isEmpty)
    #expect(s2.status().first?.nextRunAt == Timestamp.parse("2026-10-26T02:30:00+01:00"))
  }
}

@Suite("Cron scheduler: run ids")
struct CronRunIDTests {
  /// Fifty missed times recorded in the same second with the same random bits still get
  /// distinct ids: the random part counts up past the ones taken (wrapping at ffff).
  @Test func idsStayUniquePerJobWhenTheRandomPartRepeats() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let created = Timestamp.parse("2025-06-01T00:00:00Z")!
    try store.writeMemory([
      "app/job": CronJobMemory(
        lastScheduledAt: Timestamp.parse("2026-01-01T09:00:00Z")!, jobCreatedAt: created)
    ])
    let spec = ProcessSpec(
      name: "job", type: .cron, command: "sleep 60", cwd: "/", schedule: "* * * * *",
      timeZone: "UTC", stopTimeoutMs: 2000, catchUp: .once, createdAt: created, updatedAt: created)
    let doc = StateDocument(apps: [Application(name: "app", createdAt: created, processes: [spec])])
    let rt = FakeCronRuntime("2026-01-01T10:00:30Z")
    let s = CronScheduler(runtime: rt, store: store)
    s.randomBits = { 0xfffe }
    s.apply(doc, catalogue: .builtIn, apps: [])
    let skipped = s.manualRun(app: "app", process: "job")
    #expect(skipped.outcome == .skipped)
    let ids = try store.history(app: "app", process: "job").map(\.id)
    #expect(ids.count == CronRun.historyLimit)
    #expect(Set(ids).count == ids.count)
    // 49 missed, the catch-up run and the skipped manual run: the first missed one (fffe) is
    // beyond the last 50.
    #expect(ids.prefix(3).map { $0.suffix(4) } == ["ffff", "0000", "0001"])
    #expect(ids.allSatisfy { $0.hasPrefix("20260101-100030-") })
    #expect(rt.launches.map(\.runID) == [ids[ids.count - 2]])
    #expect(skipped.runID == ids.last)
  }
}
