#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore
import ProcctlStore

/// `procctl cron run NAME`: a run now, through the running supervisor, so it gets the job's pod
/// size, environment, log and history like a scheduled one, and obeys its overlap policy.
public struct CronRunCommand: Command {
  public static let name = "cron run"
  public static let abstract = "Start a run of a cron job now (through the running supervisor)."
  public static let discussion = """
    Asks the running supervisor ('procctl up') to start a run of the cron job now and prints \
    its run id. The job's overlap policy applies: under --concurrency forbid a run while \
    another is active is recorded as skipped (exit 5). With --wait, waits for the run to end \
    and exits with its exit code (128+N when signal N ended it). Exit codes: 0, 1 no supervisor \
    running or it did not answer, 2 invalid value or not a cron job, 4 not found, 5 skipped, \
    6 state file unreadable; with --wait the run's exit code.
    """
  public static let arguments = [ArgumentSpec("NAME", "The cron job.")]
  public static let options = [
    CommonOptions.app,
    OptionSpec("wait", help: "Wait for the run to end and exit with its exit code."),
  ]
  public static let examples = ["procctl cron run backup", "procctl cron run --app shop report --wait"]

  public var app: String?
  public var process: String
  public var wait: Bool

  public init(_ args: ParsedArguments) throws {
    process = try args.single("NAME")
    app = args.value("app")
    wait = args.flag("wait")
  }

  public func validate() throws { try Lookup.checkNames(app: app, process: process) }

  public func run(_ context: Context) throws -> Int32 {
    let doc = try context.store.read()
    let (a, spec) = try Lookup.target(app: app, process: process, in: doc, context: context)
    guard spec.type == .cron else {
      throw CoreError.invalid("process \"\(spec.name)\" is a worker; only cron jobs have runs")
    }
    guard SupervisorLiveness.isRunning(context.paths) else {
      throw CLIError.failed(
        "no supervisor is running for \(context.paths.home); start one with 'procctl up'")
    }
    let store = CronStore(paths: context.paths)
    let id = "\(getpid())-\(context.now().epochMs)"
    try store.submit(
      CronRunRequest(id: id, app: a.name, process: spec.name, requestedAt: context.now()))
    var reply: CronRunReply?
    let deadline = monotonicMs() + 10_000
    while reply == nil && monotonicMs() < deadline {
      reply = store.takeReply(id: id)
      if reply == nil { usleep(5_000) }
    }
    guard let reply else {
      store.withdraw(id: id)
      throw CLIError.failed("the supervisor did not answer within 10s; is 'procctl up' healthy?")
    }
    guard let runID = reply.runID, let outcome = reply.outcome else {
      throw CLIError.failed(reply.error ?? "the supervisor started no run")
    }
    context.out.line(runID)
    if outcome == .skipped {
      context.out.flush()
      throw CoreError.conflict(
        "run \(runID) of \(a.name)/\(spec.name) skipped: the previous run is still active"
          + " (concurrency forbid)")
    }
    if outcome != .running || !wait {
      return outcome == .failed ? ExitCode.failure : ExitCode.success
    }
    context.out.flush()
    return try waitForEnd(runID: runID, app: a.name, process: spec.name, context: context)
  }

  /// Waits until the run's history entry has ended; its exit code becomes ours.
  private func waitForEnd(runID: String, app: String, process: String, context: Context) throws
    -> Int32
  {
    let store = CronStore(paths: context.paths)
    var checks = 0
    while true {
      if let run = try store.history(app: app, process: process).last(where: { $0.id == runID }),
        run.endedAt != nil || run.outcome != .running && run.startedAt == nil
      {
        if let code = run.exitCode { return Int32(code) }
        if let sig = run.signal { return 128 + Int32(sig) }
        return ExitCode.failure
      }
      checks += 1
      if checks % 20 == 0 && !SupervisorLiveness.isRunning(context.paths) {
        throw CLIError.failed("the supervisor stopped before run \(runID) ended")
      }
      usleep(20_000)
    }
  }

  private func monotonicMs() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
  }
}

/// Whether a supervisor (`procctl up`) runs on the state directory: its status file names a
/// live process (pid and start time checked).
enum SupervisorLiveness {
  static func isRunning(_ paths: StatePaths) -> Bool { StatusStore(paths: paths).readLive() != nil }
}
