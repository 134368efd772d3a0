import ProcctlCore

/// The per-process settings `create` and `update` share, as given on the command line (nil: the
/// flag was not given), and their parsing into the model's values.
struct ProcessSettings {
  var cwd: String?
  var schedule: String?
  var tz: String?
  var minUptime: String?
  var stopTimeout: String?
  var concurrency: String?
  var timeout: String?
  var catchUp: String?
  var logMaxSize: String?
  var logFiles: String?

  init(_ args: ParsedArguments) {
    cwd = args.value("cwd")
    schedule = args.value("schedule")
    tz = args.value("tz")
    minUptime = args.value("min-uptime")
    stopTimeout = args.value("stop-timeout")
    concurrency = args.value("concurrency")
    timeout = args.value("timeout")
    catchUp = args.value("catch-up")
    logMaxSize = args.value("log-max-size")
    logFiles = args.value("log-files")
  }

  /// True when none of these flags was given.
  var isEmpty: Bool {
    [cwd, schedule, tz, minUptime, stopTimeout, concurrency, timeout, catchUp, logMaxSize, logFiles]
      .allSatisfy { $0 == nil }
  }

  /// The parsed values; nil where the flag was not given or its value was bad.
  struct Parsed {
    var minUptimeMs: Int?
    var stopTimeoutMs: Int?
    var concurrency: ConcurrencyPolicy?
    /// `.some(nil)`: `--timeout none` was given.
    var timeoutMs: Int??
    var catchUp: CatchUpPolicy?
    var logMaxSize: Int?
    var logFiles: Int?
  }

  /// Parses every given value, adding each bad one to `problems` instead of stopping at it.
  func parse(_ problems: inout [any Error]) -> Parsed {
    var p = Parsed()
    if cwd == "" { problems.append(CoreError.invalid("invalid --cwd \"\": give a directory")) }
    p.minUptimeMs =
      ProcessOptions.collect(&problems) {
        try minUptime.map {
          try DurationSpec.parseMs($0, flag: "--min-uptime", maxMs: Limits.minUptimeMaxMs)
        }
      } ?? nil
    p.stopTimeoutMs =
      ProcessOptions.collect(&problems) {
        try stopTimeout.map {
          try DurationSpec.parseMs($0, flag: "--stop-timeout", maxMs: Limits.stopTimeoutMaxMs)
        }
      } ?? nil
    p.concurrency =
      ProcessOptions.collect(&problems) { try concurrency.map(ProcessOptions.concurrencyPolicy) }
      ?? nil
    if let timeout, let t = ProcessOptions.collect(&problems, { try ProcessOptions.timeoutMs(timeout) }) {
      p.timeoutMs = .some(t)
    }
    p.catchUp =
      ProcessOptions.collect(&problems) { try catchUp.map(ProcessOptions.catchUpPolicy) } ?? nil
    p.logMaxSize =
      ProcessOptions.collect(&problems) {
        try logMaxSize.map { try ByteSize.parse($0, flag: "--log-max-size") }
      } ?? nil
    p.logFiles =
      ProcessOptions.collect(&problems) { try logFiles.map(ProcessOptions.logFileCount) } ?? nil
    return p
  }
}
