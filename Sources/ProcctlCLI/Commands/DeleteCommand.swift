import ProcctlCore

/// `procctl delete NAME...`: removes processes.
public struct DeleteCommand: Command {
  public static let name = "delete"
  public static let abstract = "Delete processes."
  public static let discussion = """
    Every named process must exist, or nothing is deleted. Shows what is deleted and what it
    saves, and asks for confirmation like 'create'. Exit codes: 0 deleted, 2 invalid name,
    3 not confirmed, 4 not found.
    """
  public static let arguments = [ArgumentSpec("NAME...", "The processes to delete.")]
  public static let options = [CommonOptions.app] + CommonOptions.change
  public static let examples = [
    "procctl delete web --yes", "procctl delete --app shop web report -y",
  ]

  public var app: String?
  public var names: [String]
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    app = args.value("app")
    names = args.positionals
    flags = ChangeFlags(args)
    if names.isEmpty { throw CLIError.usage("missing NAME for 'procctl delete'") }
  }

  public func validate() throws {
    var problems: [any Error] = []
    do { try Lookup.checkAppName(app) } catch { problems.append(error) }
    for n in names {
      if let p = Name.problem(n, kind: "process name") { problems.append(CoreError.invalid(p)) }
    }
    try Problems.throwIfAny(problems)
  }

  public func run(_ context: Context) throws -> Int32 {
    try ChangeFlow.perform(context, flags: flags) { doc, catalogue in
      let ai = try Lookup.app(app, in: doc, context: context)
      let appName = doc.apps[ai].name
      var problems: [any Error] = []
      var doomed: [ProcessSpec] = []
      var seen = Set<String>()
      for n in names where seen.insert(n).inserted {
        do { doomed.append(doc.apps[ai].processes[try Lookup.process(n, in: doc.apps[ai])]) } catch
        {
          problems.append(error)
        }
      }
      try Problems.throwIfAny(problems)
      let gone = Set(doomed.map(\.name))
      doc.apps[ai].processes.removeAll { gone.contains($0.name) }
      var plan = ChangePlan(
        app: appName, action: "delete",
        quote: Quote(
          lines: doomed.map { p in
            Quote.Line(
              app: appName, process: p.name, type: p.type, command: p.command, action: .delete,
              sizeBefore: catalogue.size(named: p.size), sizeAfter: nil,
              instancesBefore: p.instances, instancesAfter: 0)
          }, paymentMethod: nil),
        done: "deleted " + doomed.map { "\(appName)/\($0.name)" }.joined(separator: ", "))
      plan.processes = doomed.map { (appName, $0) }
      return plan
    }
  }
}
