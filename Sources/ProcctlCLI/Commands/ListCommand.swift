import ProcctlCore
import ProcctlStore

/// `procctl list`: one row per process.
public struct ListCommand: Command {
  public static let name = "list"
  public static let abstract = "List processes: app, name, type, size, instances, schedule, cost."
  public static let discussion = """
    Lists the processes of the application given with --app (or PROCCTL_APP), else of all
    applications. MONTHLY is a worker's fixed monthly cost; a cron job shows its hourly rate,
    billed only while a run is active. Exit codes: 0, 4 application not found, 6 state file
    unreadable.
    """
  public static let options = [
    OptionSpec(
      "app", short: "a", value: "APP", help: "Only this application.",
      default: "$PROCCTL_APP, else all applications"),
    CommonOptions.json,
  ]
  public static let examples = ["procctl list", "procctl list --app shop --json"]

  public var app: String?
  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    app = args.value("app")
    json = args.flag("json")
  }

  public func validate() throws { try Lookup.checkAppName(app) }

  public func run(_ context: Context) throws -> Int32 {
    let filter = try context.appNamed(app)
    let doc = try context.store.read()
    let catalogue = try context.store.catalogue()
    if let filter { _ = try Lookup.app(filter, in: doc, context: context) }
    var rows = ProcessListing.rows(doc, catalogue: catalogue, app: filter)
    // RUNNING/desired from the running supervisor's status; without one the INSTANCES column
    // stays and a note says no supervisor runs.
    if let status = StatusStore(paths: context.paths).readLive() {
      for i in rows.indices where rows[i].spec.type == .worker {
        rows[i].running =
          status.instances.filter {
            $0.app == rows[i].app && $0.process == rows[i].spec.name && $0.pid != nil
              && $0.instance <= rows[i].spec.instances
          }.count
      }
      // Cron jobs: active runs and the next run, from the scheduler's report.
      let cron = CronJobView.rows(
        doc: doc, status: CronStore(paths: context.paths).readStatus(), app: filter, process: nil)
      var byKey: [String: CronJobView] = [:]
      for c in cron { byKey["\(c.app)/\(c.process)"] = c }
      for i in rows.indices where rows[i].spec.type == .cron {
        let c = byKey["\(rows[i].app)/\(rows[i].spec.name)"]
        rows[i].running = c?.activeRuns.count ?? 0
        rows[i].nextRunAt = c?.nextRunAt
      }
    } else if !json && rows.contains(where: { $0.spec.type == .worker }) {
      context.note("no supervisor is running for \(context.paths.home) (start one with 'procctl up')")
    }
    if json {
      JSONOutput.write(to: context) {
        ProcessListView.write(rows.lazy.map(\.view), to: &$0)
      }
    } else if rows.isEmpty {
      context.note("no processes yet; add one with 'procctl create'")
    } else {
      context.out.write(bytes: ProcessListing.tableBytes(rows))
    }
    return ExitCode.success
  }
}
