/// One-shot timers waiting for their deadline, kept unsorted: there are at most a few per
/// instance, and a linear scan over tens of entries is cheaper than keeping a heap. The clock
/// is the owner's (`EventLoop`: monotonic ns; `WallClockTimers`: realtime ms); so is the
/// timerfd it arms for `earliest`.
struct TimerList<Deadline: Comparable> {
  private struct Timer {
    var deadline: Deadline
    var id: UInt64
    var action: () -> Void
  }

  private var timers: [Timer] = []
  private var nextID: UInt64 = 1

  /// Adds a timer; returns its id, for `cancel`.
  mutating func add(_ deadline: Deadline, _ action: @escaping () -> Void) -> UInt64 {
    let id = nextID
    nextID += 1
    timers.append(Timer(deadline: deadline, id: id, action: action))
    return id
  }

  /// Removes the timer `id`; false when it already fired or was cancelled.
  mutating func cancel(_ id: UInt64) -> Bool {
    guard let i = timers.firstIndex(where: { $0.id == id }) else { return false }
    timers.swapAt(i, timers.count - 1)
    timers.removeLast()
    return true
  }

  /// Removes and returns the actions of every timer due at `now`, earliest first. They are
  /// collected before any runs: an action may add or cancel timers.
  mutating func takeDue(_ now: Deadline) -> [() -> Void] {
    var due: [Timer] = []
    var i = 0
    while i < timers.count {
      if timers[i].deadline <= now {
        due.append(timers[i])
        timers.swapAt(i, timers.count - 1)
        timers.removeLast()
      } else {
        i += 1
      }
    }
    due.sort { $0.deadline < $1.deadline }
    return due.map(\.action)
  }

  /// The earliest deadline, nil when none is armed.
  var earliest: Deadline? {
    var out: Deadline?
    for t in timers where out.map({ t.deadline < $0 }) ?? true { out = t.deadline }
    return out
  }
}
