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

  @Test(.timeLimit(.minutes(1)))
  func aDoubleForkedDaemonLeavesNothingBehind() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    // The subshell starts a daemon in its own session and exits: the daemon is orphaned.
    h.worker("d", "(setsid sleep 301 & echo $! > daemon.pid); sleep 300; true", instances: 1)
    let up = try h.startUp()
    #expect(await h.waitRunning("d", count: 1))
    let pidFile = h.home.path + "/daemon.pid"
    #expect(await waitUntil { FileManager.default.fileExists(atPath: pidFile) })
    let text = try String(contentsOfFile: pidFile, encoding: .utf8)
    let daemon = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(processAlive(daemon))
    // Scale-down to zero is not allowed; delete the process instead.
    #expect(h.procctl(["delete", "--app", "demo", "d", "--yes"]).exitCode == 0)
    #expect(await waitUntil { !processAlive(daemon) }, "\(h.upLog())")
    #expect(await h.stopUp(up) == 0)
  }

  @Test(.timeLimit(.minutes(1)))
  func sigkillOfTheSupervisorLeavesNoInstanceAndANewUpStartsExactlyOneOfEach() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "(setsid sleep 302 &); sleep 300; true", instances: 2)
    let up = try h.startUp()
    #expect(await h.waitRunning("w", count: 2))
    let shells = h.tokenProcesses()
    #expect(shells.count == 2)
    let everything = shells + shells.flatMap { h.children(of: $0) }
    kill(up.processIdentifier, SIGKILL)
    #expect(
      await waitUntil(timeout: .seconds(1), interval: .milliseconds(10)) {
        everything.allSatisfy { !processAlive($0) }
      }, "survivors: \(everything.filter { processAlive($0) })")
    let dbg = holders(h.home.path) + ((try? String(contentsOfFile: "/proc/\(up.processIdentifier)/stat", encoding: .utf8)) ?? "gone")
    try h.startUp()
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
