import ProcctlCore

/// `procctl apps create NAME`: a new, empty application.
public struct AppsCreateCommand: Command {
  public static let name = "apps create"
  public static let abstract = "Create an application."
  public static let discussion = """
    An application holds processes. Its name: lowercase letters, digits and '-', starting with a
    letter, at most 63 characters. Exit codes: 0 created, 2 invalid name, 5 already exists.
    """
  public static let arguments = [ArgumentSpec("NAME", "The application's name.")]
  public static let options = CommonOptions.change
  public static let examples = ["procctl apps create shop"]

  public var app: String
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    app = try args.single("NAME")
    flags = ChangeFlags(args)
  }

  public func validate() throws { try Name.validate(app, kind: "application name") }

  public func run(_ context: Context) throws -> Int32 {
    try ChangeFlow.perform(context, flags: flags) { doc, _ in
      if doc.app(named: app) != nil {
        throw CoreError.conflict("application \"\(app)\" already exists")
      }
      doc.apps.append(Application(name: app, createdAt: context.now()))
      var plan = ChangePlan(app: app, action: "apps create", done: "created application \(app)")
      plan.headline = "Create application \(app)"
      plan.changes = ["application \(app) (empty)"]
      return plan
    }
  }
}
