import Foundation
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
}
