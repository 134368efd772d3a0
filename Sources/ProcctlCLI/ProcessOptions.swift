import ProcctlCore
import ProcctlStore

/// The per-process settings `create` and `update` share: their options (one declaration for both
/// help texts) and their parsing into the model's values.
public enum ProcessOptions {
  public static let command = OptionSpec(
    "command", value: "CMD", help: "Shell command line, run with /bin/sh -c.")
  public static let env = OptionSpec(
    "env", short: "e", value: "KEY=VALUE", help: "Set an environment variable.", repeatable: true)
  public static let cwd = OptionSpec(
    "cwd", value: "DIR", help: "Working directory.", default: "the directory procctl runs in")
  public static let schedule = OptionSpec(
    "schedule", value: "EXPR",
    help:
      "Cron jobs: 5-field cron expression (minute hour day-of-month month day-of-week) or a macro such as @daily."
  )
  public static let tz = OptionSpec(
    "tz", value: "ZONE", help: "Cron jobs: IANA time zone of the schedule.", default: "UTC")
  public static let minUptime = OptionSpec(
    "min-uptime", value: "DURATION",
    help:
      "Workers: a run shorter than this counts as a crash (restart with backoff); 0 to "
      + "\(DurationSpec.describeLimit(ms: Limits.minUptimeMaxMs)).",
    default: "1s")
  public static let stopTimeout = OptionSpec(
    "stop-timeout", value: "DURATION",
    help:
      "How long to wait after SIGTERM before SIGKILL; 0 to "
      + "\(DurationSpec.describeLimit(ms: Limits.stopTimeoutMaxMs)).",
    default: "10s")
  public static let concurrency = OptionSpec(
    "concurrency", value: "forbid|allow|replace",
    help: "Cron jobs: what to do when a run is due while the previous one is active.",
    default: "forbid")
  public static let timeout = OptionSpec(
    "timeout", value: "DURATION",
    help:
      "Cron jobs: stop a run that is still active after this; none, or up to "
      + "\(DurationSpec.describeLimit(ms: Limits.cronTimeoutMaxMs)).",
    default: "none")
  public static let catchUp = OptionSpec(
    "catch-up", value: "none|once",
    help: "Cron jobs: run once at start-up if scheduled times were missed while down.",
    default: "none")
  public static let logMaxSize = OptionSpec(
    "log-max-size", value: "SIZE", help: "Rotate an instance's log file at this size.",
    default: "10MiB")
  public static let logFiles = OptionSpec(
    "log-files", value: "N", help: "Log files kept, the current one included (1 to 100).",
    default: "5")

  /// The settings both commands accept, in help order.
  public static let shared = [
    env, cwd, schedule, tz, minUptime, stopTimeout, concurrency, timeout, catchUp, logMaxSize,
    logFiles,
  ]

  public static func concurrencyPolicy(_ s: String) throws(CoreError) -> ConcurrencyPolicy {
    guard let p = ConcurrencyPolicy(rawValue: s.lowercased()) else {
      throw .invalid("invalid --concurrency \"\(s)\": use forbid, allow or replace")
    }
    return p
  }

  public static func catchUpPolicy(_ s: String) throws(CoreError) -> CatchUpPolicy {
    guard let p = CatchUpPolicy(rawValue: s.lowercased()) else {
      throw .invalid("invalid --catch-up \"\(s)\": use none or once")
    }
    return p
  }

  /// `--timeout D`; "none" (or 0) means no timeout.
  public static func timeoutMs(_ s: String) throws(CoreError) -> Int? {
    if s.lowercased() == "none" { return nil }
    let ms = try DurationSpec.parseMs(s, flag: "--timeout", maxMs: Limits.cronTimeoutMaxMs)
    return ms == 0 ? nil : ms
  }

  public static func logFileCount(_ s: String) throws(CoreError) -> Int {
    guard let n = Int(s), ProcessRules.logFilesRange.contains(n) else {
      throw .invalid("invalid --log-files \"\(s)\": use a whole number from 1 to 100")
    }
    return n
  }

  /// Checks a cron expression and time zone with the cron module's parser and the zone database.
  public static func checkSchedule(_ expr: String?, zone: String?) -> [any Error] {
    var problems: [any Error] = []
    if let expr {
      do { _ = try CronSchedule(parsing: expr) } catch { problems.append(error) }
    }
    if let zone {
      do { try ZoneInfo.validate(zone) } catch { problems.append(error) }
    }
    return problems
  }

  /// An absolute working directory: relative paths are taken from `base`.
  public static func absolute(_ dir: String, base: String) -> String {
    if dir.hasPrefix("/") { return dir }
    if dir == "." { return base }
    return (base.hasSuffix("/") ? base : base + "/") + dir
  }

  /// Runs `body` and collects its CoreError instead of stopping at it.
  static func collect<T>(_ problems: inout [any Error], _ body: () throws -> T) -> T? {
    do { return try body() } catch {
      problems.append(error)
      return nil
    }
  }
}
