import Foundation
import ProcctlCore
import ProcctlStore
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
}
