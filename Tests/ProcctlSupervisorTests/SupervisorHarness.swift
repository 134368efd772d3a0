import Foundation
import ProcctlCore
import ProcctlStore
import ProcctlSupervisor
import ProcctlTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A state directory with application "demo", a `procctl up` running on it in the background,
/// and everything it started cleaned up by pid at the end (`cleanup()`, call it in a `defer`).
final class SupervisorHarness: @unchecked Sendable {
  let home = TempHome()
  /// A token put in every command so this test's processes can be told from any other's.
  let token: String
  private(set) var supervisors: [Process] = []
  private var seenPids = Set<Int32>()
  /// Every process seen below a supervisor of this test, with its start time: what a command
  /// started without the token (a daemon that cleared its environment, `env -i ...`) is still
  /// ended by `cleanup()` after the supervisor is gone, and a reused pid is never touched.
  private var seenDescendants: [Int32: UInt64] = [:]
  /// This state directory's cgroup subtree: a supervisor killed with SIGKILL leaves it behind.
  private let cgroups: CgroupManager

  init() {
    token = "t" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    cgroups = CgroupManager(detection: CgroupDetector.auto(), home: home.path)
    _ = procctl(["billing", "payment-method", "set", "test-card", "--yes"])
    _ = procctl(["apps", "create", "demo", "--yes"])
  }

  var paths: StatePaths { StatePaths(home: home.path) }

  @discardableResult
  func procctl(_ args: [String]) -> CommandResult { runProcctl(args, home: home) }

  /// Creates worker `name`; its command gets this test's token appended as a comment.
  @discardableResult
  func worker(
    _ name: String, _ command: String, instances: Int = 1, minUptime: String = "200ms",
    stopTimeout: String = "2s"
  ) -> CommandResult {
    let r = procctl([
      "create", "--app", "demo", "--name", name, "--type", "worker", "--instances", "\(instances)",
      "--command", "\(command) # \(token)", "--cwd", home.path, "--min-uptime", minUptime,
      "--stop-timeout", stopTimeout, "--yes",
    ])
    precondition(r.exitCode == 0, "create failed: \(r)")
    return r
  }

  /// Creates worker `name` with exactly `command` (no token comment, so a command without
  /// shell syntax stays one), in the home directory.
  @discardableResult
  func exactWorker(_ name: String, _ command: String) -> CommandResult {
    procctl([
      "create", "--app", "demo", "--name", name, "--type", "worker", "--command", command,
      "--cwd", home.path, "--yes",
    ])
  }

  /// Starts `procctl up` in the background; its stderr goes to `up-N.err` in the home.
  /// `joining`: a `cgroup.procs` file it is moved into first (by its own pid, before exec).
  /// `ignoring`: signals (sh names, e.g. "HUP") it inherits ignored, as under `nohup`.
  @discardableResult
  func startUp(
    _ extra: [String] = [], joining procsFile: String? = nil, ignoring: [String] = []
  ) throws -> Process {
    let p = Process()
    if procsFile != nil || !ignoring.isEmpty {
      let join = procsFile == nil ? "" : "echo $$ > \"$0\" && "
      let trap = ignoring.isEmpty ? "" : "trap '' \(ignoring.joined(separator: " ")); "
      p.executableURL = URL(fileURLWithPath: "/bin/sh")
      p.arguments =
        ["-c", trap + join + "exec \"$@\"", procsFile ?? "sh", procctlBinary, "up"] + extra
    } else {
      p.executableURL = URL(fileURLWithPath: procctlBinary)
      p.arguments = ["up"] + extra
    }
    var env = ProcessInfo.processInfo.environment
    env["PROCCTL_HOME"] = home.path
    env.removeValue(forKey: "PROCCTL_APP")
    p.environment = env
    let errPath = "\(home.path)/up-\(supervisors.count + 1).err"
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    p.standardError = FileHandle(forWritingAtPath: errPath)
    p.standardOutput = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    supervisors.append(p)
    return p
  }

  /// stderr of the `n`th `up` (1-based).
  func upLog(_ n: Int = 1) -> String {
    (try? String(contentsOfFile: "\(home.path)/up-\(n).err", encoding: .utf8)) ?? ""
  }

  /// The status file as the most recently started supervisor last wrote it (nil while it is
  /// still the previous one's).
  func status() -> SupervisorStatus? {
    recordDescendants()
    guard let s = StatusStore(paths: paths).read() else { return nil }
    for i in s.instances { if let pid = i.pid { seenPids.insert(pid) } }
    if let last = supervisors.last, s.pid != last.processIdentifier { return nil }
    return s
  }

  func instance(_ process: String, _ index: Int) -> InstanceStatus? {
    status()?.instances.first { $0.process == process && $0.instance == index }
  }

  /// Waits until `process` has exactly `count` instances, all running with a pid.
  func waitRunning(_ process: String, count: Int, timeout: Duration = .seconds(10)) async -> Bool {
    await waitUntil(timeout: timeout) {
      let list = status()?.instances.filter { $0.process == process } ?? []
      return list.count == count && list.allSatisfy { $0.pid != nil && $0.state == "running" }
    }
  }

  /// Pids of every live process whose command line carries this test's token.
  func tokenProcesses() -> [Int32] {
    var out: [Int32] = []
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for e in entries {
      guard let pid = Int32(e), pid != getpid() else { continue }
      guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
      let cmd = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
      if cmd.contains(token) && processAlive(pid) { out.append(pid) }
    }
    return out
  }

  /// The pid a command wrote to `path` (`echo $! > file`), once it is complete.
  func pid(in path: String) -> Int32? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n")
    else { return nil }
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// Children of `pid` (what an instance's shell started).
  func children(of pid: Int32) -> [Int32] {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
    else { return [] }
    return s.split(separator: " ").compactMap { Int32($0) }
  }

  /// The guard process of a supervisor (its child named procctl-guard).
  func guardPid(of supervisor: Int32) -> Int32? {
    for c in children(of: supervisor) {
      if let comm = try? String(contentsOfFile: "/proc/\(c)/comm", encoding: .utf8),
        comm.hasPrefix("procctl-guard")
      {
        return c
      }
    }
    return nil
  }

  /// Notes every live descendant of this test's supervisors (called by `status()`, so by every
  /// wait on the supervisor).
  func recordDescendants() {
    var todo = supervisors.filter(\.isRunning).map(\.processIdentifier)
    while let pid = todo.popLast() {
      let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
      for task in tasks {
        guard
          let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)
        else { continue }
        for kid in s.split(separator: " ").compactMap({ Int32($0) })
        where seenDescendants[kid] == nil {
          guard let ticks = ProcStat.startTicks(pid: kid) else { continue }
          seenDescendants[kid] = ticks
          todo.append(kid)
        }
      }
    }
  }

  /// Sends `signal` to the supervisor and waits for it to exit. Returns its exit status.
  func stopUp(_ p: Process, signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async
    -> Int32?
  {
    kill(p.processIdentifier, signal)
    let done = await waitUntil(timeout: timeout) { !p.isRunning }
    return done ? p.terminationStatus : nil
  }

  /// Kills every supervisor and every process this test started, by pid; removes the home.
  func cleanup() {
    recordDescendants()
    for p in supervisors where p.isRunning {
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
    }
    _ = status()
    for pid in seenPids {
      kill(-pid, SIGKILL)
      kill(pid, SIGKILL)
    }
    for pid in tokenProcesses() { kill(pid, SIGKILL) }
    for (pid, ticks) in seenDescendants where ProcStat.startTicks(pid: pid) == ticks {
      kill(pid, SIGKILL)
    }
    cgroups.shutdown()
    home.remove()
  }
}
