import Testing

@testable import ProcctlSupervisor

#if canImport(Glibc)
  import Glibc
#endif

/// The loop's one-shot timers: earliest first, cancellable, none left armed.
@Suite(.serialized) struct EventLoopTests {
  @Test(.timeLimit(.minutes(1)))
  func timersFireInDeadlineOrderAndCancelledOnesNever() throws {
    let loop = try EventLoop()
    var fired: [String] = []
    loop.schedule(afterMs: 30) { fired.append("c") }
    let cancelled = loop.schedule(afterMs: 10) { fired.append("x") }
    loop.schedule(afterMs: 1) { fired.append("a") }
    loop.schedule(afterMs: 20) {
      fired.append("b")
      // A timer armed from a timer's action.
      loop.schedule(afterMs: 20) {
        fired.append("d")
        loop.stop()
      }
    }
    loop.cancelTimer(cancelled)
    try loop.run()
    #expect(fired == ["a", "b", "c", "d"])
  }

  @Test(.timeLimit(.minutes(1)))
  func watchedDescriptorsCallTheirHandler() throws {
    let loop = try EventLoop()
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    defer {
      close(fds[0])
      close(fds[1])
    }
    var got: [UInt8] = []
    try loop.watch(fds[0]) { _ in
      var b: UInt8 = 0
      if read(fds[0], &b, 1) == 1 { got.append(b) }
      if got.count == 2 { loop.stop() }
    }
    var iterations = 0
    loop.onEachIteration { iterations += 1 }
    var bytes: [UInt8] = [7, 9]
    #expect(write(fds[1], &bytes, 2) == 2)
    try loop.run()
    #expect(got == [7, 9])
    #expect(iterations >= 1)
  }
}
