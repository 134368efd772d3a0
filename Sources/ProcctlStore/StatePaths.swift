/// Where everything of one state directory lives.
public struct StatePaths: Sendable, Equatable {
  public var home: String

  public init(home: String) { self.home = home }

  /// `--home DIR`, else `PROCCTL_HOME`, else `${XDG_STATE_HOME:-$HOME/.local/state}/procctl`.
  /// Empty variables count as unset (as XDG's do); the CLI refuses an empty `--home` before
  /// it gets here.
  public static func resolve(flag: String?, environment: [String: String]) -> StatePaths {
    if let f = flag, !f.isEmpty { return StatePaths(home: f) }
    if let h = environment["PROCCTL_HOME"], !h.isEmpty { return StatePaths(home: h) }
    if let x = environment["XDG_STATE_HOME"], !x.isEmpty { return StatePaths(home: x + "/procctl") }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/root"
    return StatePaths(home: home + "/.local/state/procctl")
  }

  public var stateFile: String { home + "/state.json" }
  public var backupFile: String { home + "/state.json.bak" }
  public var lockFile: String { home + "/state.lock" }
  public var sizesFile: String { home + "/sizes.json" }
  /// The running supervisor's status (written by `procctl up`).
  public var statusFile: String { home + "/status.json" }
  /// Held by the running supervisor: one per state directory.
  public var supervisorLockFile: String { home + "/supervisor.lock" }
  public var logsDir: String { home + "/logs" }
  public var runDir: String { home + "/run" }
}
