import ProcctlCore
import ProcctlSupervisor

/// `procctl up`: the supervisor, in the foreground.
public struct UpCommand: Command {
  public static let name = "up"
  public static let abstract = "Run the supervisor in the foreground: keep every worker running."
  public static let discussion = """
    Starts every worker instance of the state directory (or of the applications named with
    --app) as a child process: /bin/sh -c COMMAND in the process's working directory, with its
    environment plus PROCCTL_APP, PROCCTL_PROCESS, PROCCTL_INSTANCE (1..N), PROCCTL_POD_SIZE,
    PROCCTL_CPU and PROCCTL_MEMORY_MB, stdin /dev/null, stdout and stderr appended to
    logs/APP/PROCESS.N.log. Each instance runs in its own session and process group.

    An instance that exits is started again, whatever its exit status: at once if it ran at
    least its min-uptime, else after a delay of 100 ms doubling with each quick exit (±10%
    jitter, at most 60 s); it never gives up. Changes to the state file (create, scale, update,
    delete, restart) are applied while running: scale-down stops the highest-numbered
    instances, an update restarts instances one at a time.

    Stopping an instance: SIGTERM to its process group, SIGKILL after its stop-timeout; what
    it forked, even a daemon that left the group, is ended too. SIGTERM or SIGINT (Ctrl-C)
    stops all instances this way and exits 0; a second one kills them at once. If the
    supervisor is killed, its instances end within a second and the next 'procctl up' cleans
    up what is left before starting anything.

    Events (started, exited, restarting, scaled, stopped) are printed with timestamps on
    stderr; 'procctl ps' shows each instance. Exit codes: 0 stopped by a signal, 1 failure,
    4 application not found, 5 another supervisor runs on this state directory, 6 state file
    unreadable.
    """
  public static let options = [
    OptionSpec(
      "app", short: "a", value: "APP", help: "Only this application (repeatable).",
      default: "all applications", repeatable: true)
  ]
  public static let examples = ["procctl up", "procctl up --app shop --app blog"]

  public var apps: [String]

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    apps = args.values("app")
  }

  public func validate() throws {
    for a in apps { try Lookup.checkAppName(a) }
  }

  public func run(_ context: Context) throws -> Int32 {
    let supervisor = try Supervisor(
      options: SupervisorOptions(
        paths: context.paths, apps: apps, environment: context.environment))
    return try supervisor.run()
  }
}
