import ProcctlCore
import ProcctlStore
import ProcctlSupervisor

/// The exit codes of procctl and the ONE place that maps errors to them.
public enum ExitCode {
  public static let success: Int32 = 0
  /// The operation failed (system error, refused by policy).
  public static let failure: Int32 = 1
  /// Usage error or invalid value.
  public static let usage: Int32 = 2
  /// A change that needs confirmation was not confirmed.
  public static let notConfirmed: Int32 = 3
  public static let notFound: Int32 = 4
  /// Already exists / held by someone else.
  public static let conflict: Int32 = 5
  /// The state file is corrupt or was written by a newer procctl.
  public static let unreadable: Int32 = 6

  /// The exit code for any error a command can throw.
  public static func of(_ error: any Error) -> Int32 {
    switch error {
    case let e as CLIError:
      switch e {
      case .usage: return usage
      case .notConfirmed: return notConfirmed
      case .failed: return failure
      }
    case let e as CoreError:
      switch e {
      case .invalid: return usage
      case .notFound: return notFound
      case .conflict: return conflict
      case .refused: return failure
      }
    case let e as StoreError:
      switch e {
      case .unreadable, .badCatalogue: return unreadable
      case .system: return failure
      }
    case let e as SupervisorError:
      switch e {
      case .alreadyRunning: return conflict
      case .appNotFound: return notFound
      case .notRunning, .system: return failure
      case .store(let s): return of(s)
      }
    case let p as Problems:
      return p.errors.first.map { of($0) } ?? usage
    default:
      return failure
    }
  }

  /// The error's message lines (one per problem), without the "error: " prefix.
  public static func messages(_ error: any Error) -> [String] {
    if let p = error as? Problems { return p.errors.flatMap { messages($0) } }
    return ["\(error)"]
  }
}
