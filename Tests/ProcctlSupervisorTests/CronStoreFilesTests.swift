import Foundation
import ProcctlCore
import ProcctlStore
import ProcctlTestSupport
import Testing

/// The cron scheduler's files are written and read with the core JSON codec: every field comes
/// back, optional fields left out when nil, keys sorted.
@Suite struct CronStoreFilesTests {
  let t = Timestamp(epochMs: 1_796_325_555_123)

  func fullRun() -> CronRun {
    CronRun(
      id: "20261203-191915-abcd", app: "shop", process: "nightly", trigger: .catchUp,
      scheduledAt: t, startedAt: t, endedAt: Timestamp(epochMs: t.epochMs + 1500),
      durationMs: 1500, exitCode: 3, signal: 9, outcome: .timedOut, error: "why \"not\"\n",
      pid: 42, logPath: "/x/y.log", activeSeconds: 1.5)
  }

  @Test func historyRoundTripsEveryField() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let bare = CronRun(
      id: "r2", app: "shop", process: "nightly", trigger: .manual, scheduledAt: t,
      outcome: .running)
    try store.writeHistory([fullRun(), bare], app: "shop", process: "nightly")
    #expect(try store.history(app: "shop", process: "nightly") == [fullRun(), bare])
    let text = try String(
      contentsOfFile: store.historyFile(app: "shop", process: "nightly"), encoding: .utf8)
    let keys = Mirror(reflecting: fullRun()).children.compactMap(\.label)
    for k in keys { #expect(text.contains("\"\(k)\":"), "field \(k) is not written") }
    #expect(!text.contains("null"))
  }

  @Test func unreadableHistoryNamesTheFile() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let path = store.historyFile(app: "shop", process: "nightly")
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try "[{\"id\": 1}]".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: StoreError.self) { try store.history(app: "shop", process: "nightly") }
  }

  @Test func statusMemoryRequestsAndRepliesRoundTrip() throws {
    let home = TempHome()
    defer { home.remove() }
    let store = CronStore(paths: StatePaths(home: home.path))
    let status = [
      CronJobStatus(
        app: "shop", process: "nightly", nextRunAt: t,
        activeRuns: [.init(id: "r1", pid: 7, startedAt: t)], lastRun: fullRun()),
      CronJobStatus(app: "shop", process: "idle", nextRunAt: nil, activeRuns: [], lastRun: nil),
    ]
    try store.writeStatus(status)
    #expect(store.readStatus() == status)

    let memory = [
      "shop/nightly": CronJobMemory(lastScheduledAt: t, jobCreatedAt: Timestamp(epochMs: 5)),
      "blog/x": CronJobMemory(lastScheduledAt: Timestamp(epochMs: 9), jobCreatedAt: t),
    ]
    try store.writeMemory(memory)
    #expect(store.readMemory() == memory)
    let full = ["shop/nightly": CronJobMemory(
      lastScheduledAt: t, jobCreatedAt: t, schedule: "0 3 * * *", timeZone: "Europe/Amsterdam")]
    try store.writeMemory(full)
    #expect(store.readMemory() == full)

    let request = CronRunRequest(id: "q1", app: "shop", process: "nightly", requestedAt: t)
    try store.submit(request)
    #expect(store.pendingRequests() == [request])
    try store.answer(request, with: CronRunReply(runID: "r9", outcome: .skipped, error: "busy"))
    #expect(store.pendingRequests().isEmpty)
    #expect(store.takeReply(id: "q1") == CronRunReply(runID: "r9", outcome: .skipped, error: "busy"))
    #expect(store.takeReply(id: "q1") == nil)
    try store.answer(request, with: CronRunReply(runID: nil, outcome: nil))
    #expect(store.takeReply(id: "q1") == CronRunReply(runID: nil, outcome: nil))
  }
}
