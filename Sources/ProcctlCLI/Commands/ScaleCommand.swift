import ProcctlCore

/// `procctl scale NAME=N ...`: sets the instance counts of workers.
public struct ScaleCommand: Command {
  public static let name = "scale"
  public static let abstract = "Set how many instances of workers run."
  public static let discussion = """
    Each argument is NAME=N, NAME N, or relative NAME+N / NAME-N; several at once are applied
    together, and all are checked first (every result 1 to 50, every process exists) so either
    all change or none. Cron jobs run one instance per run and cannot be scaled. Shows the cost
    summary and asks for confirmation like 'create'. Exit codes: 0 scaled (or nothing to change),
    1 refused (no payment method), 2 invalid value, 3 not confirmed, 4 not found.
    """
  public static let arguments = [ArgumentSpec("NAME=N...", "Processes and their instance counts.")]
  public static let options = [CommonOptions.app] + CommonOptions.change
  public static let examples = [
    "procctl scale web=3", "procctl scale web 3 worker+2 --yes", "procctl scale --app shop web-1",
  ]

  public var app: String?
  public var targets: [ScaleTarget]
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    app = args.value("app")
    targets = try ScaleTarget.parseAll(args.positionals)
    flags = ChangeFlags(args)
  }

  public func validate() throws { try Lookup.checkAppName(app) }

  public func run(_ context: Context) throws -> Int32 {
    try ChangeFlow.perform(context, flags: flags) { doc, catalogue in
      let ai = try Lookup.app(app, in: doc, context: context)
      let appName = doc.apps[ai].name
      var problems: [any Error] = []
      var lines: [Quote.Line] = []
      var updates: [(Int, Int)] = []
      for t in targets {
        do {
          let pi = try Lookup.process(t.name, in: doc.apps[ai])
          let p = doc.apps[ai].processes[pi]
          if p.type == .cron {
            throw CoreError.invalid(
              "cannot scale cron job \"\(p.name)\": a cron job runs one instance per run")
          }
          let n = try t.apply(to: p.instances)
          if n != p.instances {
            let size = catalogue.size(named: p.size)
            lines.append(
              Quote.Line(
                app: appName, process: p.name, type: p.type, command: p.command, action: .scale,
                sizeBefore: size, sizeAfter: size, instancesBefore: p.instances, instancesAfter: n))
            updates.append((pi, n))
          }
        } catch { problems.append(error) }
      }
      try Problems.throwIfAny(problems.sorted { ExitCode.of($0) < ExitCode.of($1) })
      let now = context.now()
      for (pi, n) in updates {
        doc.apps[ai].processes[pi].instances = n
        doc.apps[ai].processes[pi].updatedAt = now
      }
      var plan = ChangePlan(
        app: appName, action: "scale", quote: Quote(lines: lines, paymentMethod: nil),
        done: "scaled "
          + lines.map { "\(appName)/\($0.process) to \($0.instancesAfter)" }.joined(separator: ", ")
      )
      plan.processes = updates.map { (appName, doc.apps[ai].processes[$0.0]) }
      return plan
    }
  }
}
