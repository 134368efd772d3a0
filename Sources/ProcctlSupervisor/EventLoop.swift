#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// The supervisor's one single-threaded loop: epoll over file descriptors (signalfd, inotify,
/// the timerfd, later the instances' output pipes) plus one-shot timers multiplexed onto a
/// single CLOCK_MONOTONIC timerfd. There is no periodic tick: with nothing to do, `epoll_wait`
/// blocks forever and the process uses no CPU.
///
/// Not thread-safe by design: everything runs on the thread that calls `run` (the main thread,
/// which also spawns, so PR_SET_PDEATHSIG follows the supervisor's life).
public final class EventLoop {
  /// Identifies an armed timer, for `cancelTimer`.
  public struct TimerToken: Hashable, Sendable {
    fileprivate let id: UInt64
  }

  private let epfd: Int32
  private let timerfd: Int32
  private var handlers: [Int32: (UInt32) -> Void] = [:]
  /// Armed timers, on the monotonic clock (ns).
  private var timers = TimerList<UInt64>()
  private var armedDeadlineNs: UInt64 = 0
  /// Run after every iteration (e.g. writing the status file once for a burst of changes).
  private var afterIteration: [() -> Void] = []
  private var stopped = false

  public init() throws(SupervisorError) {
    epfd = cprocctl_epoll_create()
    if epfd < 0 { throw .system(call: "epoll_create1", errno: cprocctl_errno()) }
    timerfd = cprocctl_timerfd_create()
    if timerfd < 0 { throw .system(call: "timerfd_create", errno: cprocctl_errno()) }
    try watch(timerfd) { [unowned self] _ in self.fireTimers() }
  }

  deinit {
    close(timerfd)
    close(epfd)
  }

  /// Calls `handler` with the epoll event mask whenever `fd` is readable (level-triggered).
  public func watch(_ fd: Int32, events: UInt32 = cprocctl_epollin(), handler: @escaping (UInt32) -> Void)
    throws(SupervisorError)
  {
    if cprocctl_epoll_add(epfd, fd, events, UInt64(UInt32(bitPattern: fd))) != 0 {
      throw .system(call: "epoll_ctl", errno: cprocctl_errno())
    }
    handlers[fd] = handler
  }

  /// Stops watching `fd` (call before closing it).
  public func unwatch(_ fd: Int32) {
    _ = cprocctl_epoll_del(epfd, fd)
    handlers[fd] = nil
  }

  /// Monotonic now, in nanoseconds.
  public static var nowNs: UInt64 { cprocctl_monotonic_ns() }

  /// Runs `action` once at monotonic time `deadlineNs` (at once on the next iteration if past).
  @discardableResult
  public func schedule(atNs deadlineNs: UInt64, _ action: @escaping () -> Void) -> TimerToken {
    let id = timers.add(max(1, deadlineNs), action)
    rearm()
    return TimerToken(id: id)
  }

  /// Runs `action` once after `ms` milliseconds.
  @discardableResult
  public func schedule(afterMs ms: Int, _ action: @escaping () -> Void) -> TimerToken {
    schedule(atNs: EventLoop.nowNs + UInt64(max(0, ms)) * 1_000_000, action)
  }

  public func cancelTimer(_ token: TimerToken) {
    if timers.cancel(token.id) { rearm() }
  }

  public func onEachIteration(_ body: @escaping () -> Void) { afterIteration.append(body) }

  /// Makes `run` return after the current iteration.
  public func stop() { stopped = true }

  /// Runs until `stop()` is called.
  public func run() throws(SupervisorError) {
    var datas = [UInt64](repeating: 0, count: 64)
    var events = [UInt32](repeating: 0, count: 64)
    while !stopped {
      let n = datas.withUnsafeMutableBufferPointer { d in
        events.withUnsafeMutableBufferPointer { e in
          cprocctl_epoll_wait(epfd, d.baseAddress, e.baseAddress, 64, -1)
        }
      }
      if n < 0 {
        if cprocctl_errno() == EINTR { continue }
        throw .system(call: "epoll_wait", errno: cprocctl_errno())
      }
      for i in 0..<Int(n) {
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: datas[i]))
        // A handler may have unwatched a later fd in this batch: look it up each time.
        handlers[fd]?(events[i])
      }
      for body in afterIteration { body() }
    }
  }

  private func fireTimers() {
    cprocctl_timerfd_drain(timerfd)
    armedDeadlineNs = 0
    for action in timers.takeDue(EventLoop.nowNs) { action() }
    rearm()
  }

  /// Points the timerfd at the earliest deadline (or disarms it).
  private func rearm() {
    let earliest = timers.earliest ?? 0
    if earliest == armedDeadlineNs { return }
    armedDeadlineNs = earliest
    _ = cprocctl_timerfd_set(timerfd, earliest)
  }
}
