import Foundation
import ProcctlCore
import ProcctlStore
import ProcctlTestSupport
import Testing

@Suite("procctl runs and cron run: bad input and history rendering (end to end)")
struct RunsCommandTests {
  func sandbox() -> Sandbox {
    let s = Sandbox().withDemo()
    expectOK(
      s.run([
        "create", "--app", "demo", "--name", "backup", "--type", "cron", "--command", "true",
        "--schedule", "30 2 * * *", "--tz", "Europe/Amsterdam", "--yes",
      ]))
    return s
  }

  @Test func emptyHistory() {
    let s = sandbox()
    expectRun(s.run(["runs", "backup"]), exit: 0, stdout: "", stderr: "no runs of demo/backup recorded yet\n")
    let j = json(s.run(["runs", "backup", "--json"]).stdout)
    #expect(j["app"] as? String == "demo")
    #expect((j["runs"] as? [Any])?.isEmpty == true)
  }

  @Test func listsNewestFirstInTheJobsZone() throws {
    let s = sandbox()
    let store = CronStore(paths: StatePaths(home: s.home.path))
    let t = try #require(Timestamp.parse("2026-03-29T01:00:00Z"))
    try store.writeHistory(
      [
        CronRun(
          id: "20260329-010000-aaaa", app: "demo", process: "backup", trigger: .schedule,
          scheduledAt: t, startedAt: t, endedAt: Timestamp(epochMs: t.epochMs + 1500),
          durationMs: 1500, exitCode: 0, outcome: .succeeded, logPath: "/x.log",
          activeSeconds: 1.5),
        CronRun(
          id: "20260330-003000-bbbb", app: "demo", process: "backup", trigger: .schedule,
          scheduledAt: Timestamp(epochMs: t.epochMs + 84_600_000), outcome: .skipped),
      ], app: "demo", process: "backup")
    let r = s.run(["runs", "backup"])
    expectOK(r)
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[1].hasPrefix("20260330-003000-bbbb"))
    #expect(lines[2].contains("2026-03-29T03:00:00+02:00"))
    #expect(lines[2].contains("succeeded"))
    #expect(lines[2].contains("1.5s"))
    let one = s.run(["runs", "backup", "-n", "1", "--json"])
    let runs = try #require(json(one.stdout)["runs"] as? [[String: Any]])
    #expect(runs.count == 1)
    #expect(runs[0]["outcome"] as? String == "skipped")
  }

  /// No supervisor runs: `ps` still shows the last run, from the history (not the entry a
  /// killed supervisor left marked running).
  @Test func psShowsTheLastRunFromTheHistoryWithoutASupervisor() throws {
    let s = sandbox()
    let store = CronStore(paths: StatePaths(home: s.home.path))
    let t = try #require(Timestamp.parse("2026-03-29T01:00:00Z"))
    try store.writeHistory(
      [
        CronRun(
          id: "20260329-010000-aaaa", app: "demo", process: "backup", trigger: .schedule,
          scheduledAt: t, startedAt: t, endedAt: t, durationMs: 0, exitCode: 3, outcome: .failed),
        CronRun(
          id: "20260330-003000-bbbb", app: "demo", process: "backup", trigger: .schedule,
          scheduledAt: t, startedAt: t, outcome: .running),
      ], app: "demo", process: "backup")
    let r = s.run(["ps"])
    expectOK(r)
    let row = try #require(r.stdout.split(separator: "\n").first { $0.contains("backup") })
    #expect(row.contains("not running"), "\(r)")
    #expect(row.hasSuffix("failed (exit 3) 20260329-010000-aaaa"), "\(r)")
    let j = json(s.run(["ps", "--json"]).stdout)
    let job = try #require((j["cronJobs"] as? [[String: Any]])?.first)
    #expect(job["lastRunID"] as? String == "20260329-010000-aaaa")
    #expect(job["lastOutcome"] as? String == "failed")
    #expect(job["lastExit"] as? String == "exit 3")
  }

  @Test func badInput() {
    let s = sandbox()
    expectInvalid(s.run(["runs", "backup", "-n", "0"]), "invalid -n \"0\": use a number from 1 to 50")
    expectInvalid(s.run(["runs", "backup", "-n", "51"]), "invalid -n \"51\": use a number from 1 to 50")
    expectInvalid(
      s.run(["runs", "web"]), "process \"web\" is a worker; runs are recorded for cron jobs only")
    expectRun(
      s.run(["runs", "nope"]), exit: 4, stdout: "",
      stderr: "error: process \"nope\" not found in application \"demo\"; processes: web, backup\n")
    expectInvalid(
      s.run(["cron", "run", "web"]), "process \"web\" is a worker; only cron jobs have runs")
    expectRun(
      s.run(["cron", "run", "backup"]), exit: 1, stdout: "",
      stderr: "error: no supervisor is running for \(s.home.path); start one with 'procctl up'\n")
  }
}
