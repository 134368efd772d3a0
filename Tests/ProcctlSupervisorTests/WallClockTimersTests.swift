import Testing

@testable import ProcctlSupervisor

/// Wall-clock deadlines on the loop (the cron scheduler's timer): at their time, in order,
/// cancellable, a past one at once. Setting the clock needs CAP_SYS_TIME and would disturb the
/// host, so the clock-set path (ECANCELED) is not exercised here.
@Suite(.serialized) struct WallClockTimersTests {
  @Test(.timeLimit(.minutes(1)))
  func deadlinesFireAtTheirWallTimeInOrder() throws {
    let loop = try EventLoop()
    let clock = try WallClockTimers(loop: loop)
    let start = WallClockTimers.nowMs
    var fired: [(String, Int64)] = []
    func note(_ name: String) { fired.append((name, WallClockTimers.nowMs)) }
    clock.schedule(atMs: start + 60) {
      note("c")
      loop.stop()
    }
    let cancelled = clock.schedule(atMs: start + 30) { note("x") }
    clock.schedule(atMs: start + 40) {
      note("b")
      // A deadline armed from a deadline's action, earlier than the armed one.
      clock.schedule(atMs: start + 50) { note("b2") }
    }
    clock.schedule(atMs: start - 1000) { note("a") }  // already past: at once
    clock.cancel(cancelled)
    try loop.run()
    #expect(fired.map(\.0) == ["a", "b", "b2", "c"])
    let deadlines: [String: Int64] = ["b": 40, "b2": 50, "c": 60]
    for (name, at) in fired {
      guard let d = deadlines[name] else { continue }
      #expect(at >= start + d, "\(name) fired \(start + d - at) ms early")
    }
  }
}
