import Foundation
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `procctl up` starts instances, restarts them whatever their exit, and backs off crash loops.
@Suite(.serialized) struct RestartPolicyTests {
  @Test(.timeLimit(.minutes(1)))
  func instancesStartPsShowsThemAndAKilledOneIsRestarted() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "sleep 300", instances: 2)
    let ps0 = h.procctl(["ps"])
    #expect(ps0.exitCode == 0)
    #expect(ps0.stderr.contains("no supervisor is running"))
    #expect(ps0.stdout.contains("w.1") && ps0.stdout.contains("not running"))

    try h.startUp()
    #expect(await h.waitRunning("w", count: 2), "\(h.upLog())")
    let ps = h.procctl(["ps"])
    #expect(ps.exitCode == 0)
    #expect(ps.stdout.contains("w.1") && ps.stdout.contains("w.2") && ps.stdout.contains("running"))
    let list = h.procctl(["list"])
    #expect(list.stdout.contains("2/2"), "\(list)")

    let json = h.procctl(["ps", "--json"])
    let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let instances = doc?["instances"] as? [[String: Any]] ?? []
    #expect(instances.count == 2)
    #expect((doc?["supervisor"] as? [String: Any])?["running"] as? Bool == true)

    let old = try #require(h.instance("w", 1)?.pid)
    kill(old, SIGKILL)
    #expect(
      await waitUntil {
        guard let i = h.instance("w", 1), let pid = i.pid else { return false }
        return pid != old && i.restarts == 1
      }, "\(h.upLog())")
    #expect(h.upLog().contains("demo/w.1 exited (pid \(old), signal 9 (KILL)"))
    #expect(h.instance("w", 2)?.restarts == 0)
  }

  @Test(.timeLimit(.minutes(1)))
  func anInstanceThatExitsZeroIsRestarted() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("once", "sleep 0.3; exit 0", minUptime: "100ms")
    try h.startUp()
    #expect(
      await waitUntil { (h.instance("once", 1)?.restarts ?? 0) >= 2 }, "\(h.upLog())")
    let i = try #require(h.instance("once", 1))
    #expect(i.lastExit == .code(0))
    // It lived past min-uptime: restarted at once, never backed off.
    #expect(!h.upLog().contains("restarting in"))
  }

  @Test(.timeLimit(.minutes(1)))
  func aCrashLoopBacksOffWithGrowingDelaysAndIsNeverGivenUp() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("crash", "exit 3", minUptime: "1s")
    try h.startUp()
    #expect(
      await waitUntil(timeout: .seconds(15)) {
        (h.instance("crash", 1)?.backoffAttempts ?? 0) >= 4
      }, "\(h.upLog())")
    let i = try #require(h.instance("crash", 1))
    #expect(i.lastExit == .code(3))
    // The delays the supervisor announced: about 100, 200, 400, 800 ms (±10%).
    let delays = h.upLog().split(separator: "\n").compactMap { line -> Int? in
      guard let r = line.range(of: "restarting in ") else { return nil }
      let rest = line[r.upperBound...]
      guard let ms = rest.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
      return rest.contains(" ms ") ? ms : ms * 1000
    }
    #expect(delays.count >= 4, "\(h.upLog())")
    for (n, d) in delays.prefix(4).enumerated() {
      let base = 100 << n
      #expect(d >= base * 9 / 10 && d <= base * 11 / 10, "delay \(n + 1) was \(d) ms")
    }
    let ps = h.procctl(["ps"])
    #expect(ps.stdout.contains("backoff") || ps.stdout.contains("starting"), "\(ps)")
    // Still tried again later: never given up.
    let attempts = i.backoffAttempts
    #expect(
      await waitUntil(timeout: .seconds(10)) {
        (h.instance("crash", 1)?.backoffAttempts ?? 0) > attempts
      })
  }

  @Test(.timeLimit(.minutes(1)))
  func restartCommandGoesThroughTheSupervisor() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "sleep 300", instances: 2)
    let none = h.procctl(["restart", "w"])
    #expect(none.exitCode == 1)
    #expect(none.stderr.contains("no supervisor is running"))

    try h.startUp()
    #expect(await h.waitRunning("w", count: 2))
    let p1 = try #require(h.instance("w", 1)?.pid)
    let p2 = try #require(h.instance("w", 2)?.pid)
    let one = h.procctl(["restart", "w", "--instance", "2"])
    #expect(one.exitCode == 0, "\(one)")
    #expect(await waitUntil { h.instance("w", 2)?.pid.map { $0 != p2 } ?? false })
    #expect(h.instance("w", 1)?.pid == p1)
    let bad = h.procctl(["restart", "w", "--instance", "3"])
    #expect(bad.exitCode == 4)

    let all = h.procctl(["restart", "w"])
    #expect(all.exitCode == 0, "\(all)")
    #expect(
      await waitUntil {
        guard let a = h.instance("w", 1)?.pid, let b = h.instance("w", 2)?.pid else { return false }
        return a != p1 && h.instance("w", 2)?.restarts == 2 && b != p2
      }, "\(h.upLog())")
    #expect(h.upLog().contains("rolling restart"))
  }
}
