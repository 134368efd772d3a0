import Foundation
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Stopping instances, stopping the supervisor, and surviving its death.
@Suite(.serialized) struct StoppingTests {
  @Test(.timeLimit(.minutes(1)))
  func sigtermStopsEverythingAndExitsZero() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "sleep 300; true", instances: 3)
    let up = try h.startUp()
    #expect(await h.waitRunning("w", count: 3))
    let shells = h.tokenProcesses()
    let kids = shells.flatMap { h.children(of: $0) }
    #expect(shells.count == 3 && kids.count == 3)
    #expect(await h.stopUp(up) == 0, "\(h.upLog())")
    for pid in shells + kids { #expect(!processAlive(pid)) }
    #expect(h.upLog().contains("supervisor stopped"))
    #expect(h.status() == nil)
  }

  @Test(.timeLimit(.minutes(1)))
  func anInstanceIgnoringSigtermIsKilledAfterItsStopTimeout() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("stubborn", "trap '' TERM; sleep 300; true", stopTimeout: "500ms")
    let up = try h.startUp()
    #expect(await h.waitRunning("stubborn", count: 1))
    let pid = try #require(h.instance("stubborn", 1)?.pid)
    let kid = try #require(h.children(of: pid).first)
    #expect(await h.stopUp(up) == 0)
    #expect(!processAlive(pid) && !processAlive(kid))
    #expect(h.upLog().contains("demo/stubborn.1 did not stop within 500 ms: SIGKILL"))
  }

  /// `up` as the harness starts it: limits detected (cgroups where available), or rlimit only.
  static let limitModes: [[String]] = [[], ["--limits", "rlimit"]]

  @Test(.timeLimit(.minutes(1)), arguments: limitModes)
  func aDoubleForkedDaemonLeavesNothingBehind(limits: [String]) async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    // Each subshell starts a daemon in its own session and exits: the daemons are orphaned.
    // The second also clears its environment, so it carries no instance marker.
    h.worker(
      "d",
      "(setsid sleep 301 & echo $! > daemon.pid);"
        + " (setsid env -i /bin/sh -c 'echo $$ > bare.pid; exec sleep 1003' &); sleep 300; true",
      minUptime: "500ms")
    let up = try h.startUp(limits)
    let pidFile = h.home.path + "/daemon.pid"
    let bareFile = h.home.path + "/bare.pid"
    #expect(await waitUntil { h.pid(in: pidFile) != nil && h.pid(in: bareFile) != nil })
    let daemon = try #require(h.pid(in: pidFile))
    let bare = try #require(h.pid(in: bareFile))
    #expect(await h.waitRunning("d", count: 1))
    // Unmarked and out of the instance's group: nothing could attribute it later, so it is
    // ended while the instance runs (at the latest when the instance has lasted min-uptime).
    #expect(await waitUntil(timeout: .seconds(3)) { !processAlive(bare) }, "\(h.upLog())")
    #expect(h.upLog().contains("killed pid \(bare): an orphan without an instance marker"))
    // The marked one belongs to the running instance: it stays until the instance stops.
    #expect(processAlive(daemon))
    // Scale-down to zero is not allowed; delete the process instead.
    #expect(h.procctl(["delete", "--app", "demo", "d", "--yes"]).exitCode == 0)
    #expect(await waitUntil { !processAlive(daemon) }, "\(h.upLog())")
    #expect(await h.stopUp(up) == 0)
  }

  @Test(.timeLimit(.minutes(1)), arguments: limitModes)
  func sigkillOfTheSupervisorLeavesNoInstanceAndANewUpStartsExactlyOneOfEach(
    limits: [String]
  ) async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker(
      "w", "(setsid sleep 302 & echo $! > daemon$PROCCTL_INSTANCE.pid); sleep 300; true",
      instances: 2)
    let up = try h.startUp(limits)
    #expect(await h.waitRunning("w", count: 2))
    let files = (1...2).map { h.home.path + "/daemon\($0).pid" }
    #expect(await waitUntil { files.allSatisfy { h.pid(in: $0) != nil } })
    let daemons = files.compactMap { h.pid(in: $0) }
    #expect(daemons.count == 2 && daemons.allSatisfy { processAlive($0) })
    let shells = h.tokenProcesses()
    #expect(shells.count == 2)
    // The daemons were reparented to the supervisor: they are no shell's children.
    #expect(Set(daemons).isDisjoint(with: shells.flatMap { h.children(of: $0) }))
    let everything = shells + shells.flatMap { h.children(of: $0) } + daemons
    kill(up.processIdentifier, SIGKILL)
    #expect(
      await waitUntil(timeout: .seconds(1), interval: .milliseconds(10)) {
        everything.allSatisfy { !processAlive($0) }
      }, "survivors: \(everything.filter { processAlive($0) })")
    let dbg = holders(h.home.path) + ((try? String(contentsOfFile: "/proc/\(up.processIdentifier)/stat", encoding: .utf8)) ?? "gone")
    try h.startUp(limits)
    #expect(await h.waitRunning("w", count: 2), "\(h.upLog(2)) \(dbg)")
    #expect(h.tokenProcesses().count == 2)
  }

  @Test(.timeLimit(.minutes(1)))
  func aNewUpEndsLeftoversEvenWhenTheGuardDiedToo() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "sleep 300; true", instances: 2)
    let up = try h.startUp()
    #expect(await h.waitRunning("w", count: 2))
    let guardPid = try #require(h.guardPid(of: up.processIdentifier))
    let old = h.tokenProcesses()
    kill(guardPid, SIGKILL)
    kill(up.processIdentifier, SIGKILL)
    #expect(await waitUntil { !up.isRunning })

    try h.startUp()
    #expect(await h.waitRunning("w", count: 2), "\(h.upLog(2))")
    #expect(old.allSatisfy { !processAlive($0) })
    let now = h.tokenProcesses()
    #expect(now.count == 2 && Set(now).isDisjoint(with: old))
  }

  @Test(.timeLimit(.minutes(1)))
  func aSecondUpOnTheSameStateDirectoryFailsWithExitFive() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "sleep 300")
    let up = try h.startUp()
    #expect(await h.waitRunning("w", count: 1))
    let second = h.procctl(["up"])
    #expect(second.exitCode == 5)
    #expect(second.stderr.contains("pid \(up.processIdentifier)"), "\(second)")
  }
}

func holders(_ home: String) -> String {
  var out = ""
  for e in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
    guard let pid = Int32(e) else { continue }
    for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
      if let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
        dest.hasPrefix(home)
      {
        let cmd = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "?"
        out += "\(pid) fd \(fd) -> \(dest) [\(cmd)]\n"
      }
    }
  }
  return out
}
