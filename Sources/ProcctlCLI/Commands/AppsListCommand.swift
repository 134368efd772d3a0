import ProcctlCore

/// `procctl apps list`: the applications, their process counts and monthly cost.
public struct AppsListCommand: Command {
  public static let name = "apps list"
  public static let abstract = "List the applications."
  public static let discussion =
    "Exit codes: 0 (also when there are none), 6 state file unreadable."
  public static let options = [CommonOptions.json]
  public static let examples = ["procctl apps list", "procctl apps list --json"]

  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    json = args.flag("json")
  }

  struct AppView: JSONWritable {
    var name: String
    var processes: Int
    var workers: Int
    var cronJobs: Int
    var monthlyCents: Int
    var createdAt: String

    func write(to w: inout JSONWriter) {
      w.beginObject()
      w.member("createdAt", createdAt)
      w.member("cronJobs", cronJobs)
      w.member("monthlyCents", monthlyCents)
      w.member("name", name)
      w.member("processes", processes)
      w.member("workers", workers)
      w.endObject()
    }
  }
  struct ListView: JSONWritable {
    var apps: [AppView]

    func write(to w: inout JSONWriter) {
      w.beginObject()
      w.member("apps", apps)
      w.endObject()
    }
  }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let catalogue = try context.store.catalogue()
    let views = doc.apps.map { a in
      AppView(
        name: a.name, processes: a.processes.count,
        workers: a.processes.filter { $0.type == .worker }.count,
        cronJobs: a.processes.filter { $0.type == .cron }.count,
        monthlyCents: Pricing.monthly(a, catalogue: catalogue).value,
        createdAt: a.createdAt.description)
    }
    if json {
      JSONOutput.write(ListView(apps: views), to: context)
      return ExitCode.success
    }
    if views.isEmpty {
      context.note("no applications yet; create one with 'procctl apps create NAME'")
      return ExitCode.success
    }
    var t = Table([
      .init("NAME"), .init("PROCESSES", rightAligned: true), .init("MONTHLY", rightAligned: true),
      .init("CREATED"),
    ])
    for v in views {
      t.add([v.name, "\(v.processes)", Cents(v.monthlyCents).description, v.createdAt])
    }
    context.out.write(t.render())
    return ExitCode.success
  }
}
