/// Failures of the state directory.
public enum StoreError: Error, CustomStringConvertible, Sendable {
  /// The state file does not parse, or a newer procctl wrote it: never overwritten (exit 6).
  case unreadable(path: String, reason: String)
  /// A system call failed (exit 1).
  case system(call: String, path: String, errno: Int32)
  /// `sizes.json` is malformed (exit 6: a file we cannot read).
  case badCatalogue(path: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "state file \(path) is unreadable: \(reason); it was left unchanged"
    case .system(let call, let path, let e):
      return "\(call) \(path) failed: \(String(cString: strerror(e)))"
    case .badCatalogue(let path, let reason):
      return "pod-size catalogue \(path) is invalid: \(reason)"
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
