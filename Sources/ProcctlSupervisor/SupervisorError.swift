#if canImport(Glibc)
  import Glibc
#endif
import ProcctlStore

/// Why `procctl up` (or a request to it) failed. The CLI maps each case to an exit code.
public enum SupervisorError: Error, CustomStringConvertible, Sendable {
  /// Another supervisor holds this state directory (exit 5).
  case alreadyRunning(pid: Int32?, home: String)
  /// An application named with --app does not exist (exit 4).
  case appNotFound(name: String, known: [String])
  /// No supervisor runs for this state directory (exit 1).
  case notRunning(home: String)
  /// The state directory failed (unreadable state file: exit 6; otherwise 1).
  case store(StoreError)
  /// A system call failed (exit 1).
  case system(call: String, errno: Int32)

  public var description: String {
    switch self {
    case .alreadyRunning(let pid, let home):
      let who = pid.map { "pid \($0)" } ?? "another process"
      return "a supervisor is already running for \(home) (\(who)); stop it first"
    case .appNotFound(let name, let known):
      let list = known.isEmpty ? "(none)" : known.joined(separator: ", ")
      return "application \"\(name)\" not found; applications: \(list)"
    case .notRunning(let home):
      return "no supervisor is running for \(home); start one with 'procctl up'"
    case .store(let e): return e.description
    case .system(let call, let e): return "\(call) failed: \(String(cString: strerror(e)))"
    }
  }
}
