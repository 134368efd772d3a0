#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore
import ProcctlStore
import ProcctlSupervisor

/// `procctl restart NAME [--instance N]`: through the running supervisor.
public struct RestartCommand: Command {
  public static let name = "restart"
  public static let abstract = "Restart a worker's instances (rolling) through the running supervisor."
  public static let discussion = """
    Without --instance, restarts every instance of the worker one at a time (stop one, start
    its replacement, and once it has run for its min-uptime, the next), by recording a restart in the state file that the running
    supervisor applies. With --instance N, restarts that one instance at once. Needs a running
    'procctl up'. Exit codes: 0 requested, 1 no supervisor running (or it did not answer),
    2 invalid value, 4 application, process or instance not found.
    """
  public static let arguments = [ArgumentSpec("NAME", "The worker.")]
  public static let options = [
    CommonOptions.app,
    OptionSpec("instance", short: "i", value: "N", help: "Only this instance (1..instances).",
      default: "all, one at a time"),
  ]
  public static let examples = ["procctl restart worker", "procctl restart --app shop web --instance 2"]

  public var app: String?
  public var process: String
  public var instance: Int?

  public init(_ args: ParsedArguments) throws {
    process = try args.single("NAME")
    app = args.value("app")
    if let v = args.value("instance") {
      guard let n = Int(v), n >= 1 else {
        throw CoreError.invalid("invalid instance \"\(v)\": use a whole number from 1 to 50")
      }
      instance = n
    }
  }

  public func validate() throws { try Lookup.checkNames(app: app, process: process) }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let (a, p) = try Lookup.target(app: app, process: process, in: doc, context: context)
    if p.type != .worker {
      throw CoreError.invalid(
        "cannot restart cron job \"\(p.name)\": only workers run continuously")
    }
    guard let status = StatusStore(paths: context.paths).readLive() else {
      throw SupervisorError.notRunning(home: context.paths.home)
    }
    if let apps = status.apps, !apps.contains(a.name) {
      throw CLIError.failed(
        "the running supervisor (pid \(status.pid)) does not supervise application \"\(a.name)\"")
    }
    guard let n = instance else {
      try context.store.mutate { doc in
        guard let ai = doc.appIndex(a.name), let pi = doc.apps[ai].processIndex(p.name) else {
          return
        }
        doc.apps[ai].processes[pi].restartGeneration += 1
        doc.apps[ai].processes[pi].updatedAt = context.now()
      }
      context.note(
        "restarting \(a.name)/\(p.name): \(p.instances) instance(s), one at a time (see 'procctl ps')")
      return ExitCode.success
    }
    guard n <= p.instances else {
      throw CoreError.notFound(
        "instance \(n) of \"\(p.name)\" not found: it has \(p.instances) instance(s) (1 to \(p.instances))")
    }
    let path = try RestartRequest(app: a.name, process: p.name, instance: n).submit(
      paths: context.paths)
    // The supervisor deletes the request once it acted on it: that is the answer.
    for _ in 0..<500 {
      if !FileIO.exists(path) {
        context.note("restarting \(a.name)/\(p.instance(n))")
        return ExitCode.success
      }
      usleep(10_000)
    }
    unlink(path)
    throw CLIError.failed(
      "the supervisor (pid \(status.pid)) did not take the restart request within 5 seconds")
  }
}

extension ProcessSpec {
  fileprivate func instance(_ n: Int) -> String { instanceName(n) }
}
