import Testing

@testable import ProcctlCore

@Suite struct InstanceMachineTests {
  let mid: () -> Double = { 0.5 }

  func started() -> InstanceMachine {
    var m = InstanceMachine(minUptimeMs: 1000, stopTimeoutMs: 5000)
    #expect(m.handle(.start, random: mid) == [.spawn])
    #expect(m.handle(.spawned, random: mid) == [.armTimer(.uptime, ms: 1000)])
    #expect(m.state == .starting)
    return m
  }

  @Test func startSpawnsAndBecomesRunningAfterMinUptime() {
    var m = started()
    #expect(m.handle(.uptimeReached, random: mid) == [])
    #expect(m.state == .running)
  }

  @Test func healthyExitRestartsAtOnce() {
    var m = started()
    _ = m.handle(.uptimeReached, random: mid)
    #expect(m.handle(.exited(ranForMs: 5000), random: mid) == [.spawn])
    #expect(m.state == .starting)
  }

  @Test func exitAfterMinUptimeBeforeTimerFiredIsHealthy() {
    var m = started()
    #expect(m.handle(.exited(ranForMs: 1000), random: mid) == [.cancelTimer, .spawn])
    #expect(m.backoff.attempts == 0)
  }

  @Test func quickExitsBackOffWithGrowingDelays() {
    var m = started()
    var delays: [Int] = []
    for _ in 0..<4 {
      let effects = m.handle(.exited(ranForMs: 10), random: mid)
      guard case .armTimer(.backoff, let ms) = effects.first else {
        Issue.record("expected a backoff timer, got \(effects)")
        return
      }
      delays.append(ms)
      #expect(m.state == .backoff)
      #expect(m.handle(.backoffElapsed, random: mid) == [.spawn])
      _ = m.handle(.spawned, random: mid)
    }
    #expect(delays == [100, 200, 400, 800])
    // A healthy run resets the delay.
    _ = m.handle(.uptimeReached, random: mid)
    #expect(m.backoff.attempts == 0)
    _ = m.handle(.exited(ranForMs: 2000), random: mid)
    _ = m.handle(.spawned, random: mid)
    #expect(m.handle(.exited(ranForMs: 1), random: mid) == [.armTimer(.backoff, ms: 100)])
  }

  @Test func spawnFailureBacksOff() {
    var m = InstanceMachine(minUptimeMs: 1000, stopTimeoutMs: 5000)
    _ = m.handle(.start, random: mid)
    #expect(m.handle(.spawnFailed, random: mid) == [.armTimer(.backoff, ms: 100)])
    #expect(m.state == .backoff)
  }

  @Test func stopIsTermThenKillAfterTimeout() {
    var m = started()
    #expect(m.handle(.stop, random: mid) == [.signal(.term), .armStopTimer(ms: 5000)])
    #expect(m.state == .stopping(then: .remove))
    #expect(m.handle(.stopTimeout, random: mid) == [.signal(.kill)])
    #expect(m.handle(.exited(ranForMs: 9000), random: mid) == [.cancelTimer, .remove])
    #expect(m.state == .exited)
    #expect(!m.hasProcess)
  }

  @Test func restartStopsThenStartsAgain() {
    var m = started()
    _ = m.handle(.uptimeReached, random: mid)
    #expect(m.handle(.restart, random: mid) == [.signal(.term), .armStopTimer(ms: 5000)])
    #expect(m.state == .stopping(then: .restart))
    #expect(m.handle(.exited(ranForMs: 3000), random: mid) == [.cancelTimer, .spawn])
    #expect(m.state == .starting)
  }

  @Test func wantedAgainWhileStoppingStartsOnceGoneNeverTwice() {
    var m = started()
    _ = m.handle(.stop, random: mid)
    #expect(m.handle(.start, random: mid) == [])
    #expect(m.state == .stopping(then: .restart))
    #expect(m.handle(.exited(ranForMs: 10), random: mid) == [.cancelTimer, .spawn])
  }

  @Test func stoppingWhileBackingOffCancelsTheTimer() {
    var m = started()
    _ = m.handle(.exited(ranForMs: 1), random: mid)
    #expect(m.handle(.stop, random: mid) == [.cancelTimer, .remove])
    #expect(m.state == .exited)
  }

  @Test func restartWhileBackingOffStartsNow() {
    var m = started()
    _ = m.handle(.exited(ranForMs: 1), random: mid)
    #expect(m.handle(.restart, random: mid) == [.cancelTimer, .spawn])
  }

  @Test func aNewSpecWhileBackingOffStartsNowWithAFreshDelay() {
    var m = started()
    for _ in 0..<5 {
      _ = m.handle(.exited(ranForMs: 1), random: mid)
      _ = m.handle(.backoffElapsed, random: mid)
      _ = m.handle(.spawned, random: mid)
    }
    _ = m.handle(.exited(ranForMs: 1), random: mid)
    #expect(m.backoff.attempts == 6)
    #expect(m.handle(.newSpec, random: mid) == [.cancelTimer, .spawn])
    #expect(m.state == .starting)
    _ = m.handle(.spawned, random: mid)
    // The new spec fails too: it starts again from the first delay, not the old spec's 3.2 s.
    #expect(m.handle(.spawnFailed, random: mid) == [.armTimer(.backoff, ms: 100)])
  }

  @Test func aNewSpecRestartsARunningInstanceAndLeavesOthersAlone() {
    var m = started()
    _ = m.handle(.uptimeReached, random: mid)
    #expect(m.handle(.newSpec, random: mid) == [.signal(.term), .armStopTimer(ms: 5000)])
    #expect(m.state == .stopping(then: .restart))
    #expect(m.handle(.exited(ranForMs: 3000), random: mid) == [.cancelTimer, .spawn])
    // One being stopped for good stays stopped; one not wanted stays exited.
    var stopping = started()
    _ = stopping.handle(.stop, random: mid)
    #expect(stopping.handle(.newSpec, random: mid) == [])
    #expect(stopping.state == .stopping(then: .remove))
    var idle = InstanceMachine(minUptimeMs: 1000, stopTimeoutMs: 5000)
    #expect(idle.handle(.newSpec, random: mid) == [])
    #expect(idle.state == .exited)
  }

  @Test func killEscalatesAtOnce() {
    var m = started()
    #expect(m.handle(.kill, random: mid) == [.cancelTimer, .signal(.kill)])
    _ = m.handle(.stop, random: mid)
    #expect(m.handle(.kill, random: mid) == [.signal(.kill)])
  }

  @Test func staleTimersAreIgnored() {
    var m = started()
    _ = m.handle(.uptimeReached, random: mid)
    #expect(m.handle(.backoffElapsed, random: mid) == [])
    #expect(m.handle(.stopTimeout, random: mid) == [])
    #expect(m.state == .running)
  }

  @Test func exitStatusDecodesWaitStatus() {
    #expect(ExitStatus(waitStatus: 0) == .code(0))
    #expect(ExitStatus(waitStatus: 3 << 8) == .code(3))
    #expect(ExitStatus(waitStatus: 9) == .signal(9))
    #expect(ExitStatus.signal(9).description == "signal 9 (KILL)")
  }
}
