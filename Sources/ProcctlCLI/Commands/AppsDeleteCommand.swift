import ProcctlCore

/// `procctl apps delete NAME`: removes an application and all its processes.
public struct AppsDeleteCommand: Command {
  public static let name = "apps delete"
  public static let abstract = "Delete an application and its processes."
  public static let discussion = """
    Deleting an application that still has processes shows what is deleted and what it saves, and
    needs confirmation (--yes, or 'y' at the prompt on a terminal). An empty application is
    deleted at once. Exit codes: 0 deleted, 2 invalid name, 3 not confirmed, 4 not found.
    """
  public static let arguments = [ArgumentSpec("NAME", "The application to delete.")]
  public static let options = CommonOptions.change
  public static let examples = ["procctl apps delete shop --yes"]

  public var app: String
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    app = try args.single("NAME")
    flags = ChangeFlags(args)
  }

  public func validate() throws { try Name.validate(app, kind: "application name") }

  public func run(_ context: Context) throws -> Int32 {
    try ChangeFlow.perform(context, flags: flags) { doc, catalogue in
      guard let i = doc.appIndex(app) else {
        throw CoreError.notFound(
          "application \"\(app)\" not found; applications: \(doc.apps.isEmpty ? "(none)" : doc.apps.map(\.name).joined(separator: ", "))"
        )
      }
      let a = doc.apps.remove(at: i)
      var plan = ChangePlan(app: app, action: "apps delete", done: "deleted application \(app)")
      if a.processes.isEmpty {
        plan.headline = "Delete application \(app)"
        plan.changes = ["application \(app) (no processes)"]
      } else {
        plan.quote = Quote(
          lines: a.processes.map { p in
            let size = catalogue.size(named: p.size)
            return Quote.Line(
              app: app, process: p.name, type: p.type, command: p.command, action: .delete,
              sizeBefore: size, sizeAfter: nil, instancesBefore: p.instances, instancesAfter: 0)
          }, paymentMethod: nil)
        plan.processes = a.processes.map { (app, $0) }
      }
      return plan
    }
  }
}
