import ProcctlCore

/// `procctl show NAME`: everything about one process.
public struct ShowCommand: Command {
  public static let name = "show"
  public static let abstract = "Show everything about one process."
  public static let discussion =
    "Exit codes: 0, 2 invalid name, 4 not found, 6 state file unreadable."
  public static let arguments = [ArgumentSpec("NAME", "The process.")]
  public static let options = [CommonOptions.app, CommonOptions.json]
  public static let examples = ["procctl show web", "procctl show --app shop web --json"]

  public var app: String?
  public var process: String
  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    process = try args.single("NAME")
    app = args.value("app")
    json = args.flag("json")
  }

  public func validate() throws { try Lookup.checkNames(app: app, process: process) }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let catalogue = try context.store.catalogue()
    let (a, p) = try Lookup.target(app: app, process: process, in: doc, context: context)
    let v = ProcessView(app: a.name, spec: p, size: catalogue.size(named: p.size))
    if json {
      JSONOutput.write(v, to: context)
      return ExitCode.success
    }
    var rows: [(String, String)] = [
      ("app", v.app), ("name", v.name), ("type", v.type), ("command", v.command),
      (
        "size",
        v.size
          + (catalogue.size(named: p.size).map {
            " (\($0.cpuDescription) CPU, \($0.memoryDescription))"
          } ?? " (not in the catalogue)")
      ),
      ("instances", "\(v.instances)"),
    ]
    if p.type == .cron {
      rows += [
        ("schedule", v.schedule ?? "-"), ("time zone", v.timeZone ?? "UTC"),
        ("concurrency", v.concurrency ?? "forbid"),
        ("timeout", p.timeoutMs.map { DurationSpec.describe(ms: $0) } ?? "none"),
        ("catch-up", v.catchUp ?? "none"),
      ]
    } else {
      rows.append(("min uptime", DurationSpec.describe(ms: p.minUptimeMs)))
    }
    rows += [
      ("stop timeout", DurationSpec.describe(ms: p.stopTimeoutMs)),
      ("cwd", v.cwd),
      ("logs", "\(ByteSize.describe(v.logMaxSize)) x \(v.logFiles) files"),
    ]
    if p.type == .cron {
      rows.append(
        (
          "cost",
          "\(BillingPeriod.hourlyDescription(monthly: catalogue.size(named: p.size)?.monthly ?? .zero)) while a run is active"
        ))
    } else {
      let m = Cents(v.monthlyCents)
      rows.append(("cost", "\(m)/month (\(BillingPeriod.hourlyDescription(monthly: m)))"))
    }
    rows += [("created", v.createdAt.description), ("updated", v.updatedAt.description)]
    if p.env.isEmpty {
      rows.append(("env", "(none)"))
    } else {
      for (i, k) in p.env.keys.sorted().enumerated() {
        rows.append((i == 0 ? "env" : "", "\(k)=\(p.env[k] ?? "")"))
      }
    }
    context.out.write(ChangeSummary.keyValues(rows, indent: ""))
    return ExitCode.success
  }
}
