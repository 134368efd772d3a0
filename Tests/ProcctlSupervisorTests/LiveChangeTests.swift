import Foundation
import ProcctlCore
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Changes to the state file are applied by the running supervisor.
@Suite(.serialized) struct LiveChangeTests {
  @Test(.timeLimit(.minutes(1)))
  func scaleTwoToFiveToOneKeepsUntouchedPids() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "sleep 300", instances: 2)
    try h.startUp()
    #expect(await h.waitRunning("w", count: 2))
    let p1 = try #require(h.instance("w", 1)?.pid)
    let p2 = try #require(h.instance("w", 2)?.pid)

    #expect(h.procctl(["scale", "--app", "demo", "w=5", "--yes"]).exitCode == 0)
    #expect(await h.waitRunning("w", count: 5), "\(h.upLog())")
    #expect(h.instance("w", 1)?.pid == p1)
    #expect(h.instance("w", 2)?.pid == p2)
    let high = (3...5).compactMap { h.instance("w", $0)?.pid }
    #expect(high.count == 3)

    #expect(h.procctl(["scale", "--app", "demo", "w=1", "--yes"]).exitCode == 0)
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog())")
    #expect(h.instance("w", 1)?.pid == p1)
    #expect(await waitUntil { ([p2] + high).allSatisfy { !processAlive($0) } })
    #expect(h.upLog().contains("demo/w.5 stopped"))
  }

  @Test(.timeLimit(.minutes(1)))
  func createUpdateAndDeleteAreApplied() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("a", "sleep 300", instances: 2)
    try h.startUp()
    #expect(await h.waitRunning("a", count: 2))
    h.worker("b", "sleep 300")
    #expect(await h.waitRunning("b", count: 1), "\(h.upLog())")

    let old = [h.instance("a", 1)?.pid, h.instance("a", 2)?.pid].compactMap { $0 }
    let up = h.procctl(["update", "--app", "demo", "a", "--env", "COLOR=blue", "--yes"])
    #expect(up.exitCode == 0, "\(up)")
    #expect(
      await waitUntil {
        let now = [h.instance("a", 1), h.instance("a", 2)]
        return now.allSatisfy { $0?.pid != nil && !old.contains($0!.pid!) && $0?.state == "running" }
      }, "\(h.upLog())")
    let log = h.upLog()
    // Rolling: instance 2 is stopped only after instance 1's replacement started.
    let started1 = log.range(of: "demo/a.1 started (pid", options: .backwards)
    let stopping2 = log.range(of: "demo/a.2 stopping")
    #expect(started1 != nil && stopping2 != nil && started1!.lowerBound < stopping2!.lowerBound)

    #expect(h.procctl(["delete", "--app", "demo", "b", "--yes"]).exitCode == 0)
    #expect(await waitUntil { h.status()?.instances.contains { $0.process == "b" } == false })
    #expect(h.instance("a", 1)?.pid != nil)
  }

  @Test(.timeLimit(.minutes(1)))
  func aBadWorkingDirectoryIsReportedAndTheRestGoesOn() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("good", "sleep 300")
    let dir = h.home.path + "/gone"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let r = h.procctl([
      "create", "--app", "demo", "--name", "bad", "--type", "worker", "--command", "sleep 300",
      "--cwd", dir, "--yes",
    ])
    #expect(r.exitCode == 0, "\(r)")
    try FileManager.default.removeItem(atPath: dir)
    try h.startUp()
    #expect(await h.waitRunning("good", count: 1))
    #expect(await waitUntil { h.instance("bad", 1)?.error?.contains("chdir") == true })
    #expect(h.upLog().contains("demo/bad.1 could not start: chdir \(dir)"))
    #expect(h.procctl(["ps", "--json"]).stdout.contains("spawnError"))
  }

  @Test(.timeLimit(.minutes(1)))
  func aHealthyRollReplacesOneInstanceAtATimeOnceEachReplacementIsUp() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("r", "sleep 300", instances: 3, minUptime: "400ms")
    try h.startUp()
    #expect(await h.waitRunning("r", count: 3))
    let old = (1...3).compactMap { h.instance("r", $0)?.pid }
    #expect(old.count == 3)
    let update = h.procctl(["update", "--app", "demo", "r", "--env", "COLOR=blue", "--yes"])
    #expect(update.exitCode == 0, "\(update)")
    #expect(
      await waitUntil(timeout: .seconds(15)) {
        let now = (1...3).map { h.instance("r", $0) }
        return now.allSatisfy { i in
          i?.state == "running" && i?.pid.map { !old.contains($0) } == true
        }
      }, "\(h.upLog())")
    let log = h.upLog()
    // Each stop comes only after the previous replacement has run for its min-uptime.
    for i in 1...2 {
      let started = try #require(eventTime(log, "demo/r.\(i) started (pid", last: true))
      let stopping = try #require(eventTime(log, "demo/r.\(i + 1) stopping"))
      #expect(stopping.epochMs - started.epochMs >= 399, "\(log)")
    }
    #expect(!log.contains("paused"))
  }

  @Test(.timeLimit(.minutes(1)))
  func aBadUpdatePausesTheRollAndFixingItBringsTheFailedInstanceBackAtOnce() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("sc", "sleep 300", instances: 3, minUptime: "300ms")
    try h.startUp()
    #expect(await h.waitRunning("sc", count: 3))
    let old = (1...3).compactMap { h.instance("sc", $0)?.pid }
    #expect(old.count == 3)

    let missing = h.home.path + "/missing"
    let bad = h.procctl(["update", "--app", "demo", "sc", "--cwd", missing, "--yes"])
    #expect(bad.exitCode == 0, "\(bad)")
    // sc.1's replacement cannot start; it backs off with growing delays while sc.2 and sc.3
    // keep running with their pids (1.5 s of retries: 100 + 200 + 400 + 800 ms).
    var next: Timestamp?
    #expect(
      await waitUntil(timeout: .seconds(15)) {
        guard let s = h.instance("sc", 1), s.state == "backoff", s.backoffAttempts >= 5,
          let n = s.nextStartAt, n.epochMs - nowMs() > 800
        else { return false }
        next = n
        return true
      }, "\(h.upLog())")
    for i in 2...3 {
      let s = h.instance("sc", i)
      #expect(s?.pid == old[i - 1] && s?.state == "running", "\(h.upLog())")
    }
    let log = h.upLog()
    #expect(!log.contains("demo/sc.2 stopping") && !log.contains("demo/sc.3 stopping"))
    let paused = "demo/sc rolling restart paused: demo/sc.1 could not start with the new spec"
    #expect(log.contains("\(paused): chdir \(missing)"), "\(log)")
    #expect(log.contains("2 instances keep the previous spec"))
    // Reported once, not at every retry.
    #expect(log.components(separatedBy: "rolling restart paused").count == 2, "\(log)")
    #expect(h.instance("sc", 1)?.rollout?.contains("could not start") == true)
    let ps = h.procctl(["ps", "--app", "demo"])
    #expect(
      ps.stdout.contains(
        "rolling restart of demo/sc paused: demo/sc.1 could not start with the new spec: chdir"),
      "\(ps)")
    #expect(h.procctl(["ps", "--json"]).stdout.contains("\"rollout\""))

    // The fix (a directory that exists, but not the old one: every instance has to roll): sc.1
    // starts at once, not when its crash-loop delay (still > 800 ms) is over.
    let good = h.home.path + "/good"
    try FileManager.default.createDirectory(atPath: good, withIntermediateDirectories: true)
    let fix = h.procctl(["update", "--app", "demo", "sc", "--cwd", good, "--yes"])
    #expect(fix.exitCode == 0, "\(fix)")
    var restartedAt: Timestamp?
    #expect(
      await waitUntil(timeout: .milliseconds(500), interval: .milliseconds(5)) {
        guard let s = h.instance("sc", 1), s.pid != nil, let at = s.startedAt else { return false }
        restartedAt = at
        return true
      }, "\(h.upLog())")
    if let restartedAt, let next {
      #expect(restartedAt.epochMs < next.epochMs - 300)
    }
    // Then the roll resumes: every instance replaced, one at a time, and nothing paused.
    #expect(
      await waitUntil(timeout: .seconds(15)) {
        let now = (1...3).map { h.instance("sc", $0) }
        return now.allSatisfy { i in
          i?.state == "running" && i?.pid.map { !old.contains($0) } == true && i?.rollout == nil
        }
      }, "\(h.upLog())")
    #expect(h.upLog().contains("demo/sc rolling restart resumed"))
    #expect(!h.procctl(["ps", "--app", "demo"]).stdout.contains("paused"))
  }

  /// Every instance crash-loops; the update that fixes the command starts each of them once, at
  /// once: none is stopped again right after its start (each revive used to be applied twice).
  @Test(.timeLimit(.minutes(1)))
  func fixingACrashLoopStartsEveryBackedOffInstanceOnce() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("cl", "exit 3", instances: 3, minUptime: "300ms")
    try h.startUp()
    #expect(
      await waitUntil(timeout: .seconds(15)) {
        (1...3).allSatisfy { i in
          guard let s = h.instance("cl", i) else { return false }
          return s.state == "backoff" && s.backoffAttempts >= 3
        }
      }, "\(h.upLog())")
    let before = h.upLog().count
    let fix = h.procctl(["update", "--app", "demo", "cl", "--command", "sleep 300 # \(h.token)"])
    #expect(fix.exitCode == 0, "\(fix)")
    #expect(
      await waitUntil(timeout: .seconds(10)) {
        (1...3).allSatisfy { h.instance("cl", $0)?.state == "running" }
      }, "\(h.upLog())")
    let after = String(h.upLog().dropFirst(before))
    for i in 1...3 {
      #expect(!after.contains("demo/cl.\(i) stopping"), "\(after)")
      #expect(after.components(separatedBy: "demo/cl.\(i) started").count == 2, "\(after)")
    }
  }
}

/// When the first (or, with `last`, the last) event line of `log` containing `text` was logged.
func eventTime(_ log: String, _ text: String, last: Bool = false) -> Timestamp? {
  let lines = log.split(separator: "\n").filter { $0.contains(text) }
  guard let line = last ? lines.last : lines.first, let stamp = line.split(separator: " ").first
  else { return nil }
  return Timestamp.parse(String(stamp))
}

func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
