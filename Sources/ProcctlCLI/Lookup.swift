import ProcctlCore

/// Finding the application and process a command names, with errors that list what exists.
enum Lookup {
  /// The application a command means: `--app`, else PROCCTL_APP (its name checked: a bad one is
  /// exit 2, not "not found"), else the only one.
  static func app(_ explicit: String?, in doc: StateDocument, context: Context) throws(CoreError)
    -> Int
  {
    let fromEnvironment = explicit == nil ? try context.appFromEnvironment() : nil
    return try doc.resolveApp(explicit, fromEnvironment: fromEnvironment)
  }

  static func process(_ name: String, in app: Application) throws(CoreError) -> Int {
    guard let i = app.processIndex(name) else {
      let names = app.processes.map(\.name)
      let list = names.isEmpty ? "it has none" : "processes: \(names.joined(separator: ", "))"
      throw .notFound("process \"\(name)\" not found in application \"\(app.name)\"; \(list)")
    }
    return i
  }

  /// Checks an `--app` value's syntax (pure), so a bad name is a usage error before any read.
  static func checkAppName(_ name: String?) throws(CoreError) {
    if let name { try Name.validate(name, kind: "application name") }
  }

  /// Checks the syntax of an `--app` value and a process NAME (pure), before any read.
  static func checkNames(app: String?, process: String) throws(CoreError) {
    try checkAppName(app)
    try Name.validate(process, kind: "process name")
  }

  /// The application and process a command names, found in `doc`.
  static func target(app explicit: String?, process name: String, in doc: StateDocument,
    context: Context) throws(CoreError) -> (app: Application, process: ProcessSpec)
  {
    let a = doc.apps[try app(explicit, in: doc, context: context)]
    return (a, a.processes[try process(name, in: a)])
  }
}
