import Foundation
import ProcctlCore
@testable import ProcctlStore
import ProcctlTestSupport
import Testing

/// The hand-written status encoder produces what JSONDecoder reads back unchanged.
@Suite struct StatusFileTests {
  @Test func statusRoundTripsThroughTheFile() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = StatusStore(paths: StatePaths(home: home.path))
    let status = SupervisorStatus(
      pid: 42, procStartTicks: 123_456_789, startedAt: Timestamp(epochMs: 1_764_000_000_123),
      updatedAt: Timestamp(epochMs: 1_764_000_001_000), revision: 7, apps: ["shop", "blog"],
      instances: [
        InstanceStatus(
          app: "shop", process: "web", instance: 1, state: "running", pid: 100,
          procStartTicks: 99, startedAt: Timestamp(epochMs: 1_764_000_000_500), restarts: 2,
          lastExit: .signal(9), lastExitAt: Timestamp(epochMs: 1_764_000_000_400), size: "s1",
          milliCPU: 500, memoryMB: 1024),
        InstanceStatus(
          app: "shop", process: "web", instance: 3, state: "running", lastExit: .oomKilled,
          size: "s1", milliCPU: 500, memoryMB: 1024),
        InstanceStatus(
          app: "shop", process: "web", instance: 2, state: "backoff", restarts: 5,
          lastExit: .spawnFailed("chdir /x \"y\"\\\n\u{1}: No such file"),
          nextStartAt: Timestamp(epochMs: 1_764_000_002_000), backoffAttempts: 3,
          error: "chdir /x: No such file", size: "hobby", milliCPU: 250, memoryMB: 256),
        InstanceStatus(
          app: "blog", process: "w", instance: 1, state: "starting", pid: 7, lastExit: .code(0),
          size: "s1", milliCPU: 500, memoryMB: 1024),
      ])
    try store.write(status)
    #expect(store.read() == status)
  }

  /// Every stored property reaches the file: a field added to the model but not to the
  /// hand-written encoder fails here.
  @Test func everyFieldIsWritten() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = StatusStore(paths: StatePaths(home: home.path))
    let t = Timestamp(epochMs: 1_764_000_000_000)
    var inst = InstanceStatus(
      app: "a", process: "p", instance: 1, state: "backoff", pid: 1, procStartTicks: 2,
      startedAt: t, restarts: 3, lastExit: .code(1), lastExitAt: t, nextStartAt: t,
      backoffAttempts: 4, error: "e", size: "s1", milliCPU: 500, memoryMB: 1024)
    inst.cgroup = ["/sys/fs/cgroup/x"]
    inst.cpuUsecAtStart = 5
    inst.limitsError = "cgroup not created, running without limits: mkdir: EACCES"
    inst.rollout = "a/p.1 could not start with the new spec: chdir /x"
    var status = SupervisorStatus(
      pid: 1, procStartTicks: 2, startedAt: t, updatedAt: t, revision: 3, apps: ["a"],
      instances: [inst])
    status.limits = "rlimit"
    try store.write(status)
    let data = try #require(FileManager.default.contents(atPath: home.path + "/status.json"))
    let top = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let first = try #require((top["instances"] as? [[String: Any]])?.first)
    for label in Mirror(reflecting: status).children.compactMap(\.label) {
      #expect(top[label] != nil, "status field \(label) is not written")
    }
    for label in Mirror(reflecting: inst).children.compactMap(\.label) {
      #expect(first[label] != nil, "instance field \(label) is not written")
    }
    #expect(store.read() == status)
  }
}

/// The start time that tells a live pid from a reused one.
@Suite struct ProcStatTests {
  @Test func startTicksIsField22EvenWithParenthesesInTheName() throws {
    let line = "123 (a) b) c) S 1 123 123 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10"
    let parsed = Array(line.utf8).withUnsafeBufferPointer { ProcStat.parseStartTicks($0) }
    #expect(parsed == 98765)
    let mine = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
    let after = mine[mine.range(of: ")", options: .backwards)!.upperBound...]
    let field22 = after.split(separator: " ")[19]
    #expect(ProcStat.startTicks(pid: getpid()) == UInt64(field22))
    #expect(ProcStat.startTicks(pid: 0) == nil)
    #expect(ProcStat.startTicks(pid: Int32.max) == nil)
  }
}
