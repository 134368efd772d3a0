/// How a process ended, as `waitpid` reports it (or that it never started).
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
  case code(Int)
  case signal(Int)
  /// The command could not be started (for example its working directory is missing): the step
  /// that failed and the error text.
  case spawnFailed(String)
  /// Killed by the kernel's OOM killer: it used more memory than its pod size allows (SIGKILL
  /// while its cgroup's oom_kill counter grew).
  case oomKilled

  /// Decodes a raw `waitpid` status word (Linux encoding).
  public init(waitStatus s: Int32) {
    if s & 0x7f == 0 {
      self = .code(Int((s >> 8) & 0xff))
    } else {
      self = .signal(Int(s & 0x7f))
    }
  }

  /// "exit 0", "signal 9 (KILL)", "spawn failed: chdir /x: No such file or directory".
  public var description: String {
    switch self {
    case .code(let c): return "exit \(c)"
    case .signal(let s):
      if let n = ExitStatus.signalNames[s] { return "signal \(s) (\(n))" }
      return "signal \(s)"
    case .spawnFailed(let why): return "spawn failed: \(why)"
    case .oomKilled: return "OOMKilled (signal 9, out of memory)"
    }
  }

  /// Short form for tables: "0", "SIGKILL", "spawn failed".
  public var short: String {
    switch self {
    case .code(let c): return "exit \(c)"
    case .signal(let s): return ExitStatus.signalNames[s].map { "SIG" + $0 } ?? "signal \(s)"
    case .spawnFailed: return "spawn failed"
    case .oomKilled: return "OOMKilled"
    }
  }

  static let signalNames: [Int: String] = [
    1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL",
    10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM",
  ]
}
