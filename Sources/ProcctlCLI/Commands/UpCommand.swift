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

    Pod sizes are enforced with cgroup v2, else cgroup v1, else RLIMIT_AS (memory only); the
    first line says which and why ('procctl doctor' explains). --limits or PROCCTL_LIMITS
    (auto, v2, v1, rlimit) forces a mode. Each instance runs in its own cgroup; stdout and
    stderr are captured through pipes into logs/APP/PROCESS.N.log ('procctl logs').

    Events (started, exited, restarting, scaled, stopped) are printed with timestamps on
    stderr; 'procctl ps' shows each instance. Exit codes: 0 stopped by a signal, 1 failure,
    4 application not found, 5 another supervisor runs on this state directory, 6 state file
    unreadable.
    """
  public static let options = [
    OptionSpec(
      "app", short: "a", value: "APP", help: "Only this application (repeatable).",
      default: "all applications", repeatable: true),
    OptionSpec(
      "limits", value: "auto|v2|v1|rlimit", help: "How pod sizes are enforced.",
      default: "$PROCCTL_LIMITS, else auto"),
  ]
  public static let examples = ["procctl up", "procctl up --app shop --app blog"]

  public var apps: [String]
  public var limits: String?

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    apps = args.values("app")
    limits = args.value("limits")
  }

  public func validate() throws {
    for a in apps { try Lookup.checkAppName(a) }
    if let limits { _ = try LimitsOverride.parse(limits, source: "--limits") }
  }

  public func run(_ context: Context) throws -> Int32 {
    // Pod-size enforcement: the flag, else PROCCTL_LIMITS, else the best available. A forced
    // mode that is not available fails here (exit 1), before anything starts.
    let source = limits != nil ? "--limits" : LimitsOverride.environmentVariable
    let override = try LimitsOverride.parse(
      limits ?? context.environment[LimitsOverride.environmentVariable], source: source)
    let detection = try CgroupDetector.detect(
      override: override, source: source,
      runRoot: CgroupManager.namespace(forHome: context.paths.home))
    let supervisor = try Supervisor(
      options: SupervisorOptions(
        paths: context.paths, apps: apps, environment: context.environment, limits: detection))
    return try supervisor.run()
  }
}
