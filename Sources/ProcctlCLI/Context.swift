import ProcctlCore
import ProcctlStore

#if canImport(Glibc)
  import Glibc
#endif

/// Everything a command may touch of the outside world, in one value, so commands can be run
/// against a test double: the state directory, the environment, the terminal, output, the clock.
public final class Context {
  public let paths: StatePaths
  public let environment: [String: String]
  /// Confirmation prompts are only shown when standard input is a terminal.
  public let stdinIsTerminal: Bool
  public let out: TextOutput
  public let err: TextOutput
  /// False when NO_COLOR is set (to anything non-empty) or stderr is not a terminal.
  public let useColor: Bool
  /// The working directory `create` defaults `--cwd` to.
  public let workingDirectory: String
  public let now: () -> Timestamp
  /// Reads one line from standard input for a confirmation; nil at end of input.
  public let readLine: () -> String?

  public init(
    paths: StatePaths, environment: [String: String], stdinIsTerminal: Bool, out: TextOutput,
    err: TextOutput, useColor: Bool, workingDirectory: String,
    now: @escaping () -> Timestamp = Context.systemClock,
    readLine: @escaping () -> String? = Context.readStdinLine
  ) {
    self.paths = paths
    self.environment = environment
    self.stdinIsTerminal = stdinIsTerminal
    self.out = out
    self.err = err
    self.useColor = useColor
    self.workingDirectory = workingDirectory
    self.now = now
    self.readLine = readLine
  }

  /// The real process's context: `--home` flag (if any), environment, fds 0/1/2.
  public static func live(homeFlag: String?) -> Context {
    let env = processEnvironment()
    let err = TextOutput(fd: 2)
    let noColor = (env["NO_COLOR"].map { !$0.isEmpty }) ?? false
    return Context(
      paths: StatePaths.resolve(flag: homeFlag, environment: env), environment: env,
      stdinIsTerminal: isatty(0) == 1, out: TextOutput(fd: 1), err: err,
      useColor: !noColor && err.isTerminal, workingDirectory: currentDirectory())
  }

  public var store: StateStore { StateStore(paths: paths) }

  /// `PROCCTL_APP`, when set and non-empty, checked like `--app`: a bad name is a usage error
  /// (exit 2) that says it came from the environment, not an application "not found".
  public func appFromEnvironment() throws(CoreError) -> String? {
    guard let name = environment["PROCCTL_APP"], !name.isEmpty else { return nil }
    if let p = Name.problem(name, kind: "application name", from: "PROCCTL_APP") {
      throw .invalid(p)
    }
    return name
  }

  /// The application a command names: `explicit` (`--app`), else `PROCCTL_APP`.
  public func appNamed(_ explicit: String?) throws(CoreError) -> String? {
    if let explicit { return explicit }
    return try appFromEnvironment()
  }

  /// Writes a one-line message to stderr.
  public func note(_ message: String) { err.line(message) }

  /// Writes "error: message" to stderr (red on a colour terminal).
  public func error(_ message: String) {
    err.line(useColor ? "\u{1B}[31merror:\u{1B}[0m \(message)" : "error: \(message)")
  }

  public static func systemClock() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Timestamp(epochMs: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
  }

  /// One line from fd 0, read byte by byte so nothing beyond the newline is consumed.
  public static func readStdinLine() -> String? {
    var bytes: [UInt8] = []
    var c: UInt8 = 0
    while true {
      let n = read(0, &c, 1)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
      if c == 10 { return String(decoding: bytes, as: UTF8.self) }
      bytes.append(c)
    }
  }

  /// The process's environment from libc's `environ` (no Foundation needed). For a variable
  /// given twice, the first one wins, as with getenv(3).
  static func processEnvironment() -> [String: String] {
    var env: [String: String] = [:]
    var p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
    while let q = p, let entry = q.pointee {
      let s = String(cString: entry)
      if let eq = s.utf8.firstIndex(of: UInt8(ascii: "=")) {
        let key = String(s[..<eq])
        if env[key] == nil { env[key] = String(s[s.index(after: eq)...]) }
      }
      p = q + 1
    }
    return env
  }

  static func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    if getcwd(&buf, buf.count) != nil {
      return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return "/"
  }
}
