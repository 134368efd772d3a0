import ProcctlCore
import ProcctlStore
import ProcctlSupervisor

/// `procctl logs NAME`: what a process's instances printed, merged in time order.
public struct LogsCommand: Command {
  public static let name = "logs"
  public static let abstract = "Show the output of a process's instances, merged in time order."
  public static let discussion = """
    Prints the last lines (default 100) of every instance of NAME (or of one instance: \
    --instance N, or NAME.N), merged in time order, including rotated files as needed. Each line \
    is prefixed with the instance name: `worker.2 | 2026-12-03T19:11:10.123Z stdout hello`. \
    --since keeps lines at or after a time (RFC 3339) or a duration ago (30s, 10m, 2h); with \
    --since and no -n, every such line is printed. -f keeps printing new lines as they are \
    written, across log rotations and new instances, until interrupted. --json prints one \
    object per line: {"time","app","process","instance","name","stream","line"}.
    Logs live in <home>/logs/<app>/<process>.<instance>.log.
    Exit codes: 0, 2 invalid value, 4 application or process not found (and no logs), 6 state \
    file unreadable.
    """
  public static let arguments = [ArgumentSpec("NAME", "The process (or one instance: NAME.N).")]
  public static let options = [
    CommonOptions.app,
    OptionSpec("instance", short: "i", value: "N", help: "Only this instance."),
    OptionSpec("lines", short: "n", value: "LINES", help: "How many lines.", default: "100"),
    OptionSpec("follow", short: "f", help: "Keep printing new lines until interrupted."),
    OptionSpec("since", value: "DURATION|TIME", help: "Only lines since then (10m, 2h, RFC 3339)."),
    OptionSpec("json", help: "One JSON object per line."),
  ]
  public static let examples = [
    "procctl logs worker", "procctl logs --app shop worker --instance 2 -n 20",
    "procctl logs worker -f --since 5m", "procctl logs worker.3 --json",
  ]

  public var app: String?
  public var process: String
  public var instance: Int?
  public var lines: String?
  public var follow: Bool
  public var since: String?
  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    var target = try args.single("NAME")
    app = args.value("app")
    lines = args.value("lines")
    follow = args.flag("follow")
    since = args.value("since")
    json = args.flag("json")
    if let i = args.value("instance") {
      guard let n = Int(i), Limits.instances.contains(n) else {
        throw CoreError.invalid(
          "invalid --instance \"\(i)\": use a number from \(Limits.instances.lowerBound) to \(Limits.instances.upperBound)"
        )
      }
      instance = n
    }
    // "worker.2" names one instance.
    if let dot = target.lastIndex(of: "."), let n = Int(target[target.index(after: dot)...]) {
      if let i = instance, i != n {
        throw CoreError.invalid("\(target) and --instance \(i) name different instances")
      }
      instance = n
      target = String(target[..<dot])
    }
    process = target
  }

  public func validate() throws {
    var problems: [any Error] = []
    do { try Lookup.checkAppName(app) } catch { problems.append(error) }
    do { try Name.validate(process, kind: "process name") } catch { problems.append(error) }
    do { _ = try LogRendering.lineCount(lines) } catch { problems.append(error) }
    if let since {
      do { _ = try LogRendering.since(since, now: Timestamp(epochMs: 0)) } catch {
        problems.append(error)
      }
    }
    try Problems.throwIfAny(problems)
  }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let appIndex = try Lookup.app(app, in: doc, context: context)
    let appName = doc.apps[appIndex].name
    let logsDir = context.paths.logsDir
    let known = LogReader.instances(logsDir: logsDir, app: appName, process: process)
    let spec = doc.apps[appIndex].processes.first { $0.name == process }
    if spec == nil && known.isEmpty {
      _ = try Lookup.process(process, in: doc.apps[appIndex])  // throws not found
    }
    let sinceMs = try since.map { s throws(CoreError) in try LogRendering.since(s, now: context.now()) }
    var count = try LogRendering.lineCount(lines)
    if count == nil && sinceMs == nil { count = 100 }
    let maxInstance = max(spec?.instances ?? 1, known.last ?? 1, instance ?? 1)
    let width = "\(process).\(maxInstance)".count

    let follower =
      follow
      ? LogFollower.instances(logsDir: logsDir, app: appName, process: process, instance: instance)
      : nil
    let records = LogReader.tail(
      logsDir: logsDir, app: appName, process: process, instance: instance, lines: count,
      sinceMs: sinceMs, currentLimits: follower?.startOffsets ?? [:])
    func emit(_ recs: [LogRecord]) {
      for r in recs {
        context.out.line(
          json ? LogRendering.json(r, app: appName, process: process) : LogRendering.text(r, width: width))
      }
      context.out.flush()
    }
    emit(records)
    if let follower {
      follower.run { recs in
        emit(recs)
        return true
      }
    }
    return ExitCode.success
  }
}
