import Testing

@testable import ProcctlCore

@Suite struct BackoffTests {
  @Test func doublesFromOneHundredMillisecondsWithoutJitter() {
    var b = Backoff()
    let delays = (0..<6).map { _ in b.nextDelayMs { 0.5 } }
    #expect(delays == [100, 200, 400, 800, 1600, 3200])
    #expect(b.attempts == 6)
  }

  @Test func jitterStaysWithinTenPercent() {
    var low = Backoff()
    var high = Backoff()
    #expect(low.nextDelayMs { 0 } == 90)
    #expect(high.nextDelayMs { 0.999_999 } == 110)
  }

  @Test func cappedAtSixtySecondsAndNeverGivesUp() {
    var b = Backoff()
    var last = 0
    for _ in 0..<200 { last = b.nextDelayMs { 0.999_999 } }
    #expect(last == Backoff.capMs)
    #expect(b.attempts == 200)
  }

  @Test func resetStartsOver() {
    var b = Backoff()
    _ = b.nextDelayMs { 0.5 }
    _ = b.nextDelayMs { 0.5 }
    b.reset()
    #expect(b.nextDelayMs { 0.5 } == 100)
  }
}
