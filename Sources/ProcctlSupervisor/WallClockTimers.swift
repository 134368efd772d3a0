#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// One-shot timers at wall-clock times, for cron deadlines: a CLOCK_REALTIME timerfd on the
/// event loop, armed with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET for the earliest one.
///
/// The loop's own timers run on CLOCK_MONOTONIC, which is right for durations (timeouts, the
/// stop ladder) but not for "at 06:00": it stops while the host is suspended and ignores the
/// clock being set, so a deadline computed as a delay comes late. An absolute CLOCK_REALTIME
/// timer expires when the wall clock reaches its time however it gets there (time passing, the
/// resume from a suspend, the clock set forward); when the clock is set, the read fails with
/// ECANCELED and the timers are checked against the new time. No periodic wake-up.
final class WallClockTimers {
  struct Token: Hashable, Sendable {
    fileprivate let id: UInt64
  }

  private let loop: EventLoop
  private let fd: Int32
  /// Armed timers, on the realtime clock (ms since the epoch).
  private var timers = TimerList<Int64>()
  private var armedMs: Int64 = 0

  init(loop: EventLoop) throws(SupervisorError) {
    let fd = cprocctl_timerfd_create_realtime()
    if fd < 0 { throw .system(call: "timerfd_create", errno: cprocctl_errno()) }
    self.loop = loop
    self.fd = fd
    do {
      try loop.watch(fd) { [unowned self] _ in self.wake() }
    } catch {
      close(fd)
      throw error
    }
  }

  deinit {
    loop.unwatch(fd)
    close(fd)
  }

  /// Wall-clock now, in milliseconds since the epoch.
  static var nowMs: Int64 { cprocctl_realtime_ms() }

  /// Runs `action` once when the wall clock reaches `atMs` (on the next iteration if past).
  @discardableResult
  func schedule(atMs: Int64, _ action: @escaping () -> Void) -> Token {
    let id = timers.add(max(1, atMs), action)
    rearm()
    return Token(id: id)
  }

  func cancel(_ token: Token) {
    if timers.cancel(token.id) { rearm() }
  }

  private func wake() {
    // 1: it expired (a one-shot timer is then disarmed); -1: the clock was set (ECANCELED) and
    // the timer is set again, to be told the next time too.
    if cprocctl_timerfd_read(fd) != 0 { armedMs = 0 }
    for action in timers.takeDue(Self.nowMs) { action() }
    rearm()
  }

  /// Points the timerfd at the earliest deadline (or disarms it).
  private func rearm() {
    let earliest = timers.earliest ?? 0
    if earliest == armedMs { return }
    armedMs = earliest
    _ = cprocctl_timerfd_set_realtime(fd, earliest)
  }
}
