import ProcctlCore
import ProcctlStore

/// `procctl cron next EXPR`: when a schedule fires, so an operator can check an expression and
/// its daylight-saving behaviour before giving it to a job.
public struct CronNextCommand: Command {
  public static let name = "cron next"
  public static let abstract = "Print the next times a cron schedule fires."
  public static let discussion = """
    Prints the next N times EXPR fires strictly after --from, one per line, as RFC 3339 with the \
    zone's UTC offset. EXPR is five fields (minute hour day-of-month month day-of-week) or a \
    macro (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly), with cronie's \
    rules: names jan-dec and sun-sat, 0 and 7 are Sunday, and when both day fields are \
    restricted a day matches either. Daylight saving time: a fixed-time job whose time falls in \
    the hour skipped in spring runs once at the end of the gap; a job whose minute or hour \
    field starts with '*' simply has no runs there, but runs in both passes of the hour \
    repeated in autumn, where a fixed-time job runs only in the first.
    Exit codes: 0, 2 invalid expression, time, count or time zone.
    """
  public static let arguments = [ArgumentSpec("EXPR", "The cron expression (quote it).")]
  public static let options = [
    OptionSpec("from", value: "TIME", help: "Start after this RFC 3339 time.", default: "now"),
    OptionSpec("count", short: "n", value: "N", help: "How many times to print (1-1000).", default: "5"),
    OptionSpec("tz", value: "ZONE", help: "IANA time zone of the schedule.", default: "UTC"),
  ]
  public static let examples = [
    "procctl cron next '*/15 9-17 * * mon-fri'",
    "procctl cron next '30 2 * * *' --tz Europe/Amsterdam --from 2026-03-28T00:00:00Z --count 3",
  ]

  public var expression: String
  public var from: String?
  public var count: String
  public var zone: String

  public init(_ args: ParsedArguments) throws {
    expression = try args.single("EXPR")
    from = args.value("from")
    count = args.value("count") ?? "5"
    zone = args.value("tz") ?? "UTC"
  }

  public func validate() throws {
    var problems: [any Error] = []
    do { _ = try CronSchedule(parsing: expression) } catch { problems.append(error) }
    if let from, Timestamp.parse(from) == nil {
      problems.append(
        CoreError.invalid(
          "invalid --from \"\(from)\": use an RFC 3339 time such as 2026-03-29T01:30:00Z or"
            + " 2026-03-29T03:30:00+02:00"))
    }
    if Int(count).map({ !(1...1000).contains($0) }) ?? true {
      problems.append(CoreError.invalid("invalid --count \"\(count)\": use a number from 1 to 1000"))
    }
    do { try ZoneInfo.validate(zone) } catch { problems.append(error) }
    try Problems.throwIfAny(problems)
  }

  public func run(_ context: Context) throws -> Int32 {
    let schedule = try CronSchedule(parsing: expression)
    let rules = try ZoneInfo.load(zone)
    let start = from.flatMap(Timestamp.parse) ?? context.now()
    var lines = ""
    for t in schedule.nextFires(after: start, count: Int(count) ?? 5, in: rules) {
      lines += t.rfc3339(offsetSeconds: rules.offset(at: t), fraction: false, zulu: false) + "\n"
    }
    context.out.write(lines)
    return ExitCode.success
  }
}
