import ProcctlCore

/// `procctl billing`: the payment method and the monthly total per application and overall.
public struct BillingCommand: Command {
  public static let name = "billing"
  public static let abstract = "Show the payment method and monthly cost per application."
  public static let discussion = """
    The monthly total counts workers (instances x pod size price); cron jobs are billed per hour
    while a run is active and are listed with their hourly rate. Exit codes: 0, 6 state file
    unreadable.
    """
  public static let options = [CommonOptions.json]
  public static let examples = ["procctl billing", "procctl billing --json"]

  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    json = args.flag("json")
  }

  struct AppBill: JSONWritable {
    var name: String
    var workers: Int
    var cronJobs: Int
    var monthlyCents: Int
    /// Sum of the hourly rates of the app's cron jobs (one instance each), while running.
    var cronHourlyMillicents: Int

    func write(to w: inout JSONWriter) {
      w.beginObject()
      w.member("cronHourlyMillicents", cronHourlyMillicents)
      w.member("cronJobs", cronJobs)
      w.member("monthlyCents", monthlyCents)
      w.member("name", name)
      w.member("workers", workers)
      w.endObject()
    }
  }
  struct BillView: JSONWritable {
    var paymentMethod: String?
    var apps: [AppBill]
    var totalMonthlyCents: Int

    func write(to w: inout JSONWriter) {
      w.beginObject()
      w.member("apps", apps)
      w.member("paymentMethod", ifPresent: paymentMethod)
      w.member("totalMonthlyCents", totalMonthlyCents)
      w.endObject()
    }
  }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let catalogue = try context.store.catalogue()
    let bills = doc.apps.map { a in
      let crons = a.processes.filter { $0.type == .cron }
      return AppBill(
        name: a.name, workers: a.processes.count - crons.count, cronJobs: crons.count,
        monthlyCents: Pricing.monthly(a, catalogue: catalogue).value,
        cronHourlyMillicents: crons.reduce(0) {
          $0
            + BillingPeriod.hourlyMillicents(
              monthly: catalogue.size(named: $1.size)?.monthly ?? .zero)
        })
    }
    let total = bills.reduce(0) { $0 + $1.monthlyCents }
    if json {
      JSONOutput.write(
        BillView(paymentMethod: doc.paymentMethod, apps: bills, totalMonthlyCents: total),
        to: context)
      return ExitCode.success
    }
    context.out.line(
      "Payment method: \(doc.paymentMethod ?? "none (set one with 'procctl billing payment-method set LABEL')")"
    )
    context.out.line()
    var t = Table([
      .init("APP"), .init("WORKERS", rightAligned: true), .init("CRON JOBS", rightAligned: true),
      .init("MONTHLY", rightAligned: true),
    ])
    for b in bills {
      t.add([b.name, "\(b.workers)", "\(b.cronJobs)", Cents(b.monthlyCents).description])
    }
    t.add(["TOTAL", "", "", Cents(total).description])
    context.out.write(t.render())
    if bills.contains(where: { $0.cronJobs > 0 }) {
      context.out.line()
      context.out.line(
        "Cron jobs are billed per hour while a run is active ('procctl list' shows their rates).")
    }
    return ExitCode.success
  }
}
