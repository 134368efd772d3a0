/// The life of one worker instance as a pure state machine: `handle(event)` returns the effects
/// the supervisor must perform (spawn, signal, arm a timer). Kept free of processes and clocks so
/// every transition is unit-tested (s6-supervise's `actions[state][event]` table).
public struct InstanceMachine: Sendable, Equatable {
  public private(set) var state: InstanceState
  public private(set) var backoff: Backoff
  /// A run at least this long is healthy: restart at once and reset the backoff.
  public var minUptimeMs: Int
  /// How long a stop waits after SIGTERM before SIGKILL.
  public var stopTimeoutMs: Int

  public init(minUptimeMs: Int, stopTimeoutMs: Int) {
    self.state = .exited
    self.backoff = Backoff()
    self.minUptimeMs = minUptimeMs
    self.stopTimeoutMs = stopTimeoutMs
  }

  /// True while a process of this instance may exist.
  public var hasProcess: Bool {
    switch state {
    case .starting, .running, .stopping: return true
    case .backoff, .exited: return false
    }
  }

  /// Applies `event` and returns what to do, in order. `random` yields 0..<1 for the jitter.
  public mutating func handle(_ event: InstanceEvent, random: () -> Double) -> [InstanceEffect] {
    let stopTerm: [InstanceEffect] = [.signal(.term), .armStopTimer(ms: stopTimeoutMs)]
    switch (state, event) {
    // exited: nothing runs and nothing is wanted until asked.
    case (.exited, .start):
      state = .starting
      return [.spawn]
    case (.exited, .spawned), (.exited, .spawnFailed), (.exited, .uptimeReached),
      (.exited, .exited), (.exited, .backoffElapsed), (.exited, .stop), (.exited, .restart),
      (.exited, .stopTimeout), (.exited, .kill), (.exited, .newSpec):
      return []

    // starting: the process runs but has not yet proved healthy.
    case (.starting, .spawned):
      return [.armTimer(.uptime, ms: minUptimeMs)]
    case (.starting, .spawnFailed):
      return quickExit(random)
    case (.starting, .uptimeReached):
      state = .running
      backoff.reset()
      return []
    case (.starting, .exited(let ranForMs)):
      if ranForMs >= minUptimeMs {
        backoff.reset()
        return [.cancelTimer, .spawn]
      }
      return quickExit(random)
    case (.starting, .stop), (.running, .stop):
      state = .stopping(then: .remove)
      return stopTerm
    case (.starting, .restart), (.running, .restart):
      state = .stopping(then: .restart)
      return stopTerm
    case (.starting, .newSpec), (.running, .newSpec):
      // A crash loop of the old spec says nothing about the new one.
      backoff.reset()
      state = .stopping(then: .restart)
      return stopTerm
    case (.starting, .kill), (.running, .kill):
      state = .stopping(then: .remove)
      return [.cancelTimer, .signal(.kill)]
    case (.starting, .start), (.starting, .backoffElapsed), (.starting, .stopTimeout):
      return []

    // running: healthy; an exit restarts it at once.
    case (.running, .exited):
      state = .starting
      backoff.reset()
      return [.spawn]
    case (.running, .start), (.running, .spawned), (.running, .spawnFailed),
      (.running, .uptimeReached), (.running, .backoffElapsed), (.running, .stopTimeout):
      return []

    // backoff: no process; a timer brings it back.
    case (.backoff, .backoffElapsed):
      state = .starting
      return [.spawn]
    case (.backoff, .restart):
      // An operator's restart does not wait out the crash-loop delay.
      state = .starting
      return [.cancelTimer, .spawn]
    case (.backoff, .newSpec):
      // A changed spec (the fix for what made it crash, say) starts at once, with a fresh delay.
      backoff.reset()
      state = .starting
      return [.cancelTimer, .spawn]
    case (.backoff, .stop), (.backoff, .kill):
      state = .exited
      return [.cancelTimer, .remove]
    case (.backoff, .start), (.backoff, .spawned), (.backoff, .spawnFailed),
      (.backoff, .uptimeReached), (.backoff, .exited), (.backoff, .stopTimeout):
      return []

    // stopping: SIGTERM sent; the ladder ends in SIGKILL.
    case (.stopping(let then), .exited):
      switch then {
      case .restart:
        state = .starting
        return [.cancelTimer, .spawn]
      case .remove:
        state = .exited
        return [.cancelTimer, .remove]
      }
    case (.stopping, .stopTimeout), (.stopping, .kill):
      return [.signal(.kill)]
    case (.stopping, .start), (.stopping, .restart):
      // Wanted again while the old process is still going: start it once the old one is gone,
      // never two copies at once.
      state = .stopping(then: .restart)
      return []
    case (.stopping, .stop):
      state = .stopping(then: .remove)
      return []
    case (.stopping, .spawned), (.stopping, .spawnFailed), (.stopping, .uptimeReached),
      (.stopping, .backoffElapsed), (.stopping, .newSpec):
      // A restart spawns with the desired spec anyway; a stop to remove stays one.
      return []
    }
  }

  /// A run shorter than min-uptime (or a failed start): wait, growing the delay.
  private mutating func quickExit(_ random: () -> Double) -> [InstanceEffect] {
    state = .backoff
    return [.armTimer(.backoff, ms: backoff.nextDelayMs(random: random))]
  }
}

/// What an instance is doing (the `state` column of `procctl ps`).
public enum InstanceState: Sendable, Equatable {
  /// Its process runs but has not yet lasted min-uptime.
  case starting
  /// Its process has lasted min-uptime.
  case running
  /// It exited too soon (or could not start); a timer starts it again.
  case backoff
  /// SIGTERM was sent; `then` says whether it starts again once gone.
  case stopping(then: AfterStop)
  /// Not running and not wanted.
  case exited

  public enum AfterStop: Sendable, Equatable { case remove, restart }

  public var name: String {
    switch self {
    case .starting: return "starting"
    case .running: return "running"
    case .backoff: return "backoff"
    case .stopping: return "stopping"
    case .exited: return "exited"
    }
  }
}

/// What happened to an instance.
public enum InstanceEvent: Sendable, Equatable {
  /// It is wanted (created or scaled up).
  case start
  /// Its process was started (exec succeeded).
  case spawned
  /// Its process could not be started.
  case spawnFailed
  /// Its process has run for min-uptime (timer).
  case uptimeReached
  /// Its process exited after running this long.
  case exited(ranForMs: Int)
  /// The crash-loop delay is over (timer).
  case backoffElapsed
  /// It is no longer wanted (scaled down, deleted, supervisor stopping).
  case stop
  /// Stop it and start it again (`procctl restart --instance`).
  case restart
  /// Its process's spec changed (rolling update, `procctl restart` of the whole process): like
  /// `restart`, but also resets the crash-loop delay, and one in backoff starts at once.
  case newSpec
  /// The stop timeout passed (timer).
  case stopTimeout
  /// Stop it now with SIGKILL (second SIGINT/SIGTERM to `procctl up`).
  case kill
}

/// What the supervisor does for an instance.
public enum InstanceEffect: Sendable, Equatable {
  public enum Timer: Sendable, Equatable { case uptime, backoff }
  public enum Signal: Sendable, Equatable { case term, kill }

  /// Start its process now.
  case spawn
  /// Arm the instance's one timer (replacing any armed one).
  case armTimer(Timer, ms: Int)
  /// Arm the stop-timeout timer (replacing any armed one).
  case armStopTimer(ms: Int)
  case cancelTimer
  /// Signal its whole process group (and what escaped it).
  case signal(Signal)
  /// Forget the instance: it is gone and not wanted.
  case remove
}
