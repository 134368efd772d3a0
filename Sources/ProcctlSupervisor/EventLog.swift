#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore

/// Something the supervisor did or saw, worth a line in its log. All wording lives here.
public enum SupervisorEvent: Sendable {
  case supervisorStarted(pid: Int32, home: String, apps: [String])
  case supervisorStopped
  case leftoversKilled(count: Int)
  case started(InstanceKey, pid: Int32, restarts: Int)
  case startFailed(InstanceKey, reason: String)
  case exited(InstanceKey, pid: Int32, status: ExitStatus, ranForMs: Int)
  case restartingNow(InstanceKey)
  case restartingAfter(InstanceKey, delayMs: Int, attempt: Int)
  case stopping(InstanceKey, pid: Int32)
  case killing(InstanceKey, pid: Int32, reason: String)
  case stopped(InstanceKey)
  case created(ProcessKey, instances: Int)
  case scaled(ProcessKey, from: Int, to: Int)
  case rollingRestart(ProcessKey)
  /// The rolling restart waits: a replacement with the new spec is not up (spawn error or
  /// quick exit); the other instances keep the old spec.
  case rollPaused(ProcessKey, reason: String)
  case rollResumed(ProcessKey, reason: String)
  case restarting(InstanceKey, reason: String)
  case deleted(ProcessKey)
  case orphanKilled(pid: Int32, owner: String)
  /// A process adopted from an instance that carries no instance marker (its environment was
  /// cleared) and left the instance's process group.
  case unmarkedOrphanKilled(pid: Int32)
  case stateUnreadable(reason: String)
  case shuttingDown(signal: Int32, instances: Int, cronRuns: Int = 0)
  case escalating(signal: Int32)
  case note(String)

  /// The application the event concerns (nil: the supervisor itself), for events.log.
  public var app: String? {
    switch self {
    case .started(let k, _, _), .startFailed(let k, _), .exited(let k, _, _, _),
      .restartingNow(let k), .restartingAfter(let k, _, _), .stopping(let k, _),
      .killing(let k, _, _), .stopped(let k), .restarting(let k, _):
      return k.app
    case .created(let p, _), .scaled(let p, _, _), .rollingRestart(let p), .deleted(let p),
      .rollPaused(let p, _), .rollResumed(let p, _):
      return p.app
    case .supervisorStarted, .supervisorStopped, .leftoversKilled, .orphanKilled,
      .unmarkedOrphanKilled, .stateUnreadable,
      .shuttingDown,
      .escalating, .note:
      return nil
    }
  }

  public var message: String {
    switch self {
    case .supervisorStarted(let pid, let home, let apps):
      let which = apps.isEmpty ? "all applications" : "applications " + apps.joined(separator: ", ")
      return "supervisor started (pid \(pid)) for \(which) in \(home)"
    case .supervisorStopped: return "supervisor stopped: every instance is gone"
    case .leftoversKilled(let n):
      return "ended \(n) leftover process(es) of a previous supervisor"
    case .started(let k, let pid, let restarts):
      return restarts == 0 ? "\(k) started (pid \(pid))" : "\(k) started (pid \(pid), restart \(restarts))"
    case .startFailed(let k, let reason): return "\(k) could not start: \(reason)"
    case .exited(let k, let pid, let status, let ms):
      return "\(k) exited (pid \(pid), \(status), ran \(Self.duration(ms)))"
    case .restartingNow(let k): return "\(k) restarting now"
    case .restartingAfter(let k, let delay, let attempt):
      return "\(k) restarting in \(Self.duration(delay)) (quick exit \(attempt) in a row)"
    case .stopping(let k, let pid): return "\(k) stopping (SIGTERM to process group \(pid))"
    case .killing(let k, let pid, let reason):
      return "\(k) \(reason): SIGKILL to process group \(pid)"
    case .stopped(let k): return "\(k) stopped"
    case .created(let p, let n): return "\(p) created with \(n) instance(s)"
    case .scaled(let p, let from, let to): return "\(p) scaled from \(from) to \(to) instance(s)"
    case .rollingRestart(let p): return "\(p) changed: rolling restart, one instance at a time"
    case .restarting(let k, let reason): return "\(k) restarting (\(reason))"
    case .deleted(let p): return "\(p) removed: stopping its instances"
    case .orphanKilled(let pid, let owner): return "killed pid \(pid) left behind by \(owner)"
    case .unmarkedOrphanKilled(let pid):
      return "killed pid \(pid): an orphan without an instance marker"
    case .rollPaused(let p, let why): return "\(p) rolling restart paused: \(why)"
    case .rollResumed(let p, let why): return "\(p) rolling restart resumed: \(why)"
    case .stateUnreadable(let reason): return "state not applied: \(reason)"
    case .shuttingDown(let sig, let n, let runs):
      return "received \(Self.signalName(sig)): stopping \(n) instance(s)"
        + (runs > 0 ? " and \(runs) cron run(s)" : "")
    case .escalating(let sig):
      return "received \(Self.signalName(sig)) again: SIGKILL to every instance"
    case .note(let s): return s
    }
  }

  static func duration(_ ms: Int) -> String {
    if ms < 1000 { return "\(ms) ms" }
    let tenths = (ms + 50) / 100
    return "\(tenths / 10).\(tenths % 10) s"
  }

  static func signalName(_ s: Int32) -> String {
    switch s {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(s)"
    }
  }
}

/// Writes supervisor events as timestamped lines ("2026-12-03T19:11:10.123Z demo/worker.1
/// started (pid 4242)") to stderr, and to logs/events.log (`file`).
///
/// Lines are collected and written by `flush`, which the supervisor calls once per loop
/// iteration: a burst of 50 starts costs one write per sink, not 50, and the starts do not wait
/// for them. `buffered` false (the default) writes each event at once.
public final class EventLog {
  private var sinks: [Int32]
  /// `logs/events.log` (issue 4), read back by `procctl events`.
  public var file: EventFileWriter?
  /// Collect lines until `flush` (the supervisor's loop turns this on).
  public var buffered = false
  private var pending: [UInt8] = []

  public init(fds: [Int32] = [2]) { self.sinks = fds }

  deinit { flush() }

  public func addSink(_ fd: Int32) { sinks.append(fd) }

  public func emit(_ event: SupervisorEvent) {
    let now = cprocctl_realtime_ms()
    let message = event.message
    file?.record(message, app: event.app, atMs: now)
    pending += Timestamp(epochMs: now).description.utf8
    pending.append(UInt8(ascii: " "))
    pending += message.utf8
    pending.append(UInt8(ascii: "\n"))
    if !buffered { flush() }
  }

  /// Writes what was collected, to every sink and the events file.
  public func flush() {
    file?.flush()
    if pending.isEmpty { return }
    for fd in sinks {
      var off = 0
      while off < pending.count {
        let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
        if n < 0 && cprocctl_errno() == EINTR { continue }
        if n <= 0 { break }
        off += n
      }
    }
    pending.removeAll(keepingCapacity: true)
  }
}
