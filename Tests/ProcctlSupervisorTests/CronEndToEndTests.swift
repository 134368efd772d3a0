import Foundation
import ProcctlCore
import ProcctlStore
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

extension SupervisorHarness {
  /// Creates cron job `name` in app "demo"; its command carries this test's token.
  @discardableResult
  func cronJob(
    _ name: String, _ command: String, schedule: String = "0 0 1 1 *", extra: [String] = []
  ) -> CommandResult {
    let r = procctl(
      [
        "create", "--app", "demo", "--name", name, "--type", "cron", "--schedule", schedule,
        "--command", "\(command) # \(token)", "--cwd", home.path, "--stop-timeout", "2s", "--yes",
      ] + extra)
    precondition(r.exitCode == 0, "create failed: \(r)")
    return r
  }

  /// The job's run history, oldest first.
  func runs(_ name: String) -> [CronRun] {
    (try? CronStore(paths: paths).history(app: "demo", process: name)) ?? []
  }

  /// The cron part of the status, once the current supervisor wrote it.
  func cronStatus(_ name: String) -> CronJobStatus? {
    CronStore(paths: paths).readStatus()?.first { $0.process == name }
  }

  /// Waits until the current supervisor has scheduled `name`.
  func waitScheduled(_ name: String) async -> Bool {
    await waitUntil { status() != nil && cronStatus(name)?.nextRunAt != nil }
  }
}

@Suite("Cron jobs under procctl up (end to end)", .serialized)
struct CronEndToEndTests {
  /// The one test on the real clock: a `* * * * *` job fires at the next minute boundary.
  @Test(.timeLimit(.minutes(2)))
  func everyMinuteJobFiresAtTheNextMinuteBoundary() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    // Before the job exists: a minute boundary between its creation and up's start is its first.
    let t0 = Int64(Date().timeIntervalSince1970 * 1000)
    h.cronJob("tick", "echo \"$PROCCTL_RUN_ID $PROCCTL_SCHEDULED_AT\" >> tick.out", schedule: "* * * * *")
    let up = try h.startUp()
    #expect(await h.waitScheduled("tick"))
    #expect(await waitUntil(timeout: .seconds(75)) { h.runs("tick").contains { $0.outcome == .succeeded } })
    let run = try #require(h.runs("tick").first)
    // The first minute boundary after the supervisor started.
    #expect(run.scheduledAt.epochMs % 60_000 == 0)
    #expect(run.scheduledAt.epochMs > t0)
    #expect(run.scheduledAt.epochMs <= t0 + 60_000)
    #expect(run.trigger == .schedule)
    let started = try #require(run.startedAt)
    #expect(started >= run.scheduledAt)
    let out = try String(contentsOfFile: h.home.path + "/tick.out", encoding: .utf8)
    #expect(out.hasPrefix("\(run.id) \(run.scheduledAt.rfc3339(offsetSeconds: 0, fraction: false))"))
    let listed = h.procctl(["runs", "tick", "--json"])
    #expect(listed.exitCode == 0)
    #expect(listed.stdout.contains("\"outcome\": \"succeeded\""))
    #expect(await h.stopUp(up) == 0)
  }

  @Test(.timeLimit(.minutes(1)))
  func cronRunWaitReturnsTheJobsExitCode() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.cronJob("seven", "echo \"run $PROCCTL_RUN_ID\"; exit 7")
    let up = try h.startUp()
    #expect(await h.waitScheduled("seven"))
    let r = h.procctl(["cron", "run", "seven", "--wait"])
    #expect(r.exitCode == 7, "\(r)")
    let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let run = try #require(h.runs("seven").last)
    #expect(run.id == id)
    #expect(run.outcome == .failed)
    #expect(run.trigger == .manual)
    #expect(run.exitCode == 7)
    let log = try String(contentsOfFile: try #require(run.logPath), encoding: .utf8)
    #expect(log.contains("run \(id)"))
    #expect(h.procctl(["cron", "run", "seven"]).exitCode == 0)
    #expect(await h.stopUp(up) == 0)
  }

  @Test(.timeLimit(.minutes(1)))
  func forbidSkipsAnOverlappingRun() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.cronJob("slow", "sleep 30", extra: ["--concurrency", "forbid"])
    let up = try h.startUp()
    #expect(await h.waitScheduled("slow"))
    let first = h.procctl(["cron", "run", "slow"])
    #expect(first.exitCode == 0, "\(first)")
    let second = h.procctl(["cron", "run", "slow"])
    #expect(second.exitCode == 5, "\(second)")
    #expect(second.stderr.contains("skipped"))
    let runs = h.runs("slow")
    #expect(runs.map(\.outcome) == [.running, .skipped])
    #expect(await waitUntil { h.cronStatus("slow")?.activeRuns.count == 1 })
    // ps and list show the next run and the active run.
    let firstID = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let ps = h.procctl(["ps"])
    #expect(ps.stdout.contains("CRON JOB"), "\(ps)")
    #expect(ps.stdout.contains(firstID))
    #expect(ps.stdout.contains("2027-01-01T00:00:00+00:00"))
    let list = h.procctl(["list", "--json"])
    #expect(list.stdout.contains("\"nextRunAt\": \"2027-01-01T00:00:00+00:00\""), "\(list)")
    #expect(list.stdout.contains("\"running\": 1"))
    #expect(await h.stopUp(up) == 0)
    // The shutdown line counts the active run.
    let line = "received SIGTERM: stopping 0 instance(s) and 1 cron run(s)"
    #expect(h.upLog().contains(line), "\(h.upLog())")
  }

  @Test(.timeLimit(.minutes(1)))
  func replaceStopsTheActiveRun() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.cronJob("swap", "sleep 30", extra: ["--concurrency", "replace"])
    let up = try h.startUp()
    #expect(await h.waitScheduled("swap"))
    let first = h.procctl(["cron", "run", "swap"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let second = h.procctl(["cron", "run", "swap"])
    #expect(second.exitCode == 0, "\(second)")
    #expect(await waitUntil { h.runs("swap").first { $0.id == first }?.endedAt != nil })
    let old = try #require(h.runs("swap").first { $0.id == first })
    #expect(old.outcome == .replaced)
    #expect(old.signal == Int(SIGTERM))
    #expect(h.runs("swap").last?.outcome == .running)
    #expect(await h.stopUp(up) == 0)
  }

  @Test(.timeLimit(.minutes(1)))
  func timeoutEndsALongRun() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.cronJob("long", "sleep 30", extra: ["--timeout", "500ms"])
    let up = try h.startUp()
    #expect(await h.waitScheduled("long"))
    let r = h.procctl(["cron", "run", "long", "--wait"])
    #expect(r.exitCode == 128 + SIGTERM, "\(r)")
    let run = try #require(h.runs("long").last)
    #expect(run.outcome == .timedOut)
    #expect((run.durationMs ?? 0) >= 500)
    #expect(await h.stopUp(up) == 0)
  }

  /// Down through a scheduled time: `--catch-up once` runs it once at start, never again.
  @Test(.timeLimit(.minutes(1)))
  func catchUpOnceRunsOnceAfterARestart() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    // Hourly at a minute three minutes ago: one missed time, the next one far away.
    let now = Date().timeIntervalSince1970
    let minute = Int(now / 60 - 3) % 60
    h.cronJob("report", "echo caught up", schedule: "\(minute) * * * *", extra: ["--catch-up", "once"])
    let show = h.procctl(["show", "report", "--json"])
    let created = try #require(
      (try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["createdAt"]
        as? String)
    let store = CronStore(paths: h.paths)
    try store.writeMemory([
      "demo/report": CronJobMemory(
        lastScheduledAt: Timestamp(epochMs: Int64(now - 600) * 1000),
        jobCreatedAt: try #require(Timestamp.parse(created)))
    ])
    let up = try h.startUp()
    #expect(await waitUntil { h.runs("report").contains { $0.outcome == .succeeded } })
    #expect(h.runs("report").filter { $0.trigger == .catchUp }.count == 1)
    #expect(await h.stopUp(up) == 0)
    let up2 = try h.startUp()
    #expect(await h.waitScheduled("report"))
    #expect(h.runs("report").filter { $0.startedAt != nil }.count == 1)
    #expect(await h.stopUp(up2) == 0)
  }

  @Test(.timeLimit(.minutes(1)))
  func scheduleChangesTakeEffectAtOnce() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    // 03:02, never a multiple of 5 minutes: the new schedule's next time always differs (with
    // "0 3 * * *" both were 03:00 from 02:55 to 03:00, and the test failed then).
    h.cronJob("nightly", "true", schedule: "2 3 * * *")
    let up = try h.startUp()
    #expect(await h.waitScheduled("nightly"))
    // Its starting point is on disk before it ever fires (a restart counts missed times from
    // there), and the new schedule's once it is applied.
    let store = CronStore(paths: h.paths)
    #expect(store.readMemory()["demo/nightly"]?.schedule == "2 3 * * *")
    let before = h.cronStatus("nightly")?.nextRunAt
    #expect(h.procctl(["update", "nightly", "--schedule", "*/5 * * * *"]).exitCode == 0)
    #expect(await waitUntil { h.cronStatus("nightly")?.nextRunAt != before })
    #expect(store.readMemory()["demo/nightly"]?.schedule == "*/5 * * * *")
    #expect((h.cronStatus("nightly")?.nextRunAt?.epochMs ?? 0) % 300_000 == 0)
    #expect(h.procctl(["delete", "nightly", "--yes"]).exitCode == 0)
    #expect(await waitUntil { h.cronStatus("nightly") == nil })
    #expect(await h.stopUp(up) == 0)
  }

  @Test func cronRunWithoutSupervisorFails() {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.cronJob("idle", "true")
    let r = h.procctl(["cron", "run", "idle"])
    #expect(r.exitCode == 1)
    #expect(r.stdout == "")
    #expect(r.stderr.contains("no supervisor is running"))
  }
}
