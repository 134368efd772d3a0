#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// One process to start: `/bin/sh -c command` with everything the child needs decided up front
/// (the child between clone and exec runs only async-signal-safe C).
public struct SpawnRequest: Sendable {
  public var command: String
  /// When set, exec this program with `arguments` instead of a shell (a command with no shell
  /// syntax, see `ShellCommand.directArgv`); `/bin/sh -c command` remains the fallback.
  public var executable: String?
  public var arguments: [String] = []
  /// "KEY=VALUE" entries, complete (the child gets exactly these).
  public var environment: [String]
  /// `environment` already laid out for exec (the supervisor builds its processes' shared part
  /// once); when set, the child gets this block and `environment` is only informative.
  var environmentBlock: CStringArray?
  public var cwd: String?
  public var stdin: Int32
  public var stdout: Int32
  public var stderr: Int32
  /// cgroup.procs files the child writes its own pid into before exec, so it is inside its
  /// cgroups before it runs a single instruction of the command (issue 4 fills these in).
  public var cgroupProcs: [String]
  /// A cgroup v2 directory (open fd) to start the child in with clone3 CLONE_INTO_CGROUP;
  /// `cgroupProcs` is the fallback where clone3 is refused.
  public var cgroupFD: Int32?
  /// RLIMIT_AS in bytes, where cgroups cannot be used.
  public var rlimitAS: Int?
  /// Signal the child gets when the supervisor's main thread dies (SIGKILL).
  public var parentDeathSignal: Int32

  public init(
    command: String, environment: [String], cwd: String?, stdin: Int32, stdout: Int32,
    stderr: Int32, cgroupProcs: [String] = [], rlimitAS: Int? = nil,
    parentDeathSignal: Int32 = SIGKILL
  ) {
    self.command = command
    self.environment = environment
    self.cwd = cwd
    self.stdin = stdin
    self.stdout = stdout
    self.stderr = stderr
    self.cgroupProcs = cgroupProcs
    self.rlimitAS = rlimitAS
    self.parentDeathSignal = parentDeathSignal
  }
}

/// Why a spawn failed: the step and its errno ("chdir /srv/app: No such file or directory").
public struct SpawnFailure: Error, Sendable, CustomStringConvertible {
  public var step: String
  public var errno: Int32
  public var detail: String

  public var description: String {
    let what = detail.isEmpty ? step : "\(step) \(detail)"
    return "\(what): \(String(cString: strerror(errno)))"
  }
}

/// Starts instance processes (clone+exec in C, see `cprocctl_spawn`).
public enum Spawner {
  public static let shell = "/bin/sh"

  /// Starts the process and returns once it has exec'd (clone with CLONE_VFORK: measured here,
  /// this beats fork for both restart latency and bursts of 50 starts, and every failure before
  /// exec comes back here, exactly). Returns its pid (also its process group and session id).
  public static func spawn(_ r: SpawnRequest) -> Result<Int32, SpawnFailure> {
    var error: Int32 = 0
    var stage: Int32 = 0
    let pid = call(r) { req in
      let pid = cprocctl_spawn(&req)
      error = req.error
      stage = req.stage
      return pid
    }
    if pid > 0 { return .success(pid) }
    return .failure(failure(r, errno: error, stage: stage))
  }

  private static func call(
    _ r: SpawnRequest, _ body: (inout cprocctl_spawn_request) -> Int32
  ) -> Int32 {
    let shArgv = CStringArray([shell, "-c", r.command])
    let directArgv = CStringArray(r.executable == nil ? [] : r.arguments)
    let envp = r.environmentBlock ?? CStringArray(r.environment)
    let cgroups = CStringArray(r.cgroupProcs)
    var req = cprocctl_spawn_request()
    req.stdin_fd = r.stdin
    req.stdout_fd = r.stdout
    req.stderr_fd = r.stderr
    req.cgroup_fd = r.cgroupFD ?? -1
    req.rlimit_as = r.rlimitAS.map { Int64($0) } ?? -1
    req.pdeathsig = r.parentDeathSignal
    // Every pointer below lives until `body` returns, and the child is done with them by then
    // (CLONE_VFORK: the child has exec'd or failed).
    return withCString(r.cwd) { cwd in
      withCString(r.executable) { exe in
        shell.withCString { sh in
          shArgv.withPointers { shArgvp in
            directArgv.withPointers { directArgvp in
              envp.withPointers { envpp in
                cgroups.withPointers { cgp in
                  req.cwd = cwd
                  req.envp = envpp
                  req.cgroup_procs =
                    r.cgroupProcs.isEmpty ? nil : UnsafePointer(OpaquePointer(cgp))
                  if let exe {
                    req.path = exe
                    req.argv = directArgvp
                    req.fallback_path = sh
                    req.fallback_argv = shArgvp
                  } else {
                    req.path = sh
                    req.argv = shArgvp
                  }
                  return body(&req)
                }
              }
            }
          }
        }
      }
    }
  }

  private static func failure(_ r: SpawnRequest?, errno: Int32, stage: Int32) -> SpawnFailure {
    let step: String
    var detail = ""
    switch UInt32(bitPattern: stage) {
    case CPROCCTL_STAGE_CLONE.rawValue: step = "clone"
    case CPROCCTL_STAGE_SETSID.rawValue: step = "setsid"
    case CPROCCTL_STAGE_PDEATHSIG.rawValue: step = "prctl(PR_SET_PDEATHSIG)"
    case CPROCCTL_STAGE_CGROUP.rawValue:
      step = "joining cgroup"
      detail = r?.cgroupProcs.joined(separator: ", ") ?? ""
    case CPROCCTL_STAGE_RLIMIT.rawValue: step = "setrlimit(RLIMIT_AS)"
    case CPROCCTL_STAGE_DUP2.rawValue: step = "dup2"
    case CPROCCTL_STAGE_CHDIR.rawValue:
      step = "chdir"
      detail = r?.cwd ?? ""
    default:
      step = "exec"
      detail = shell
    }
    return SpawnFailure(step: step, errno: errno, detail: detail)
  }

  private static func withCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
  }
}

/// A NULL-terminated `char *[]` over one contiguous buffer: two allocations however many
/// strings, nothing for the child to free.
struct CStringArray {
  private var storage: [CChar] = []
  private var offsets: [Int] = []

  init(_ strings: [String]) {
    var total = 0
    for s in strings { total += s.utf8.count + 1 }
    storage.reserveCapacity(total)
    offsets.reserveCapacity(strings.count)
    for s in strings {
      offsets.append(storage.count)
      var s = s
      // Whole strings at a time (this runs for every environment entry of every start).
      s.withUTF8 { u in
        let start = storage.count
        u.withMemoryRebound(to: CChar.self) { storage.append(contentsOf: $0) }
        // An embedded NUL would cut the entry short: a space instead, as before.
        if u.contains(0) {
          for i in start..<storage.count where storage[i] == 0 { storage[i] = 32 }
        }
      }
      storage.append(0)
    }
  }

  /// `first`, the strings of `middle`, then `last`: `middle`'s bytes are copied in one go.
  init(first: String, _ middle: CStringArray, last: String) {
    storage.reserveCapacity(first.utf8.count + middle.storage.count + last.utf8.count + 2)
    offsets.reserveCapacity(middle.offsets.count + 2)
    append(first)
    let base = storage.count
    storage.append(contentsOf: middle.storage)
    for o in middle.offsets { offsets.append(base + o) }
    append(last)
  }

  private mutating func append(_ s: String) {
    offsets.append(storage.count)
    for b in s.utf8 { storage.append(b == 0 ? 32 : CChar(bitPattern: b)) }
    storage.append(0)
  }

  func withPointers<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var copy = storage
    return copy.withUnsafeMutableBufferPointer { buf in
      var ptrs: [UnsafeMutablePointer<CChar>?] = offsets.map { buf.baseAddress! + $0 }
      ptrs.append(nil)
      return ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
  }
}
