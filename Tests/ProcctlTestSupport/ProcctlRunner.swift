import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What one run of the real `procctl` binary produced.
public struct CommandResult: Sendable, CustomStringConvertible {
  public var exitCode: Int32
  public var stdout: String
  public var stderr: String
  public var description: String {
    "exit \(exitCode)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
  }
}

/// Locates the built binary: `PROCCTL_BIN`, else `.build/debug/procctl` beside this package.
public let procctlBinary: String = {
  if let b = ProcessInfo.processInfo.environment["PROCCTL_BIN"], !b.isEmpty { return b }
  // #filePath = <root>/Tests/ProcctlTestSupport/ProcctlRunner.swift
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }
  return url.appendingPathComponent(".build/debug/procctl").path
}()

/// A fresh temporary state directory, removed (with everything in it) by `remove()`.
public final class TempHome: @unchecked Sendable {
  public let path: String

  public init() {
    let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    var template = Array("\(base)/procctl-test-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(p != nil, "mkdtemp failed")
    path = String(cString: p!)
  }

  public func remove() { try? FileManager.default.removeItem(atPath: path) }

  public var stateFile: String { path + "/state.json" }
}

/// The environment procctl runs with in tests: this process's without PROCCTL_APP, with
/// PROCCTL_HOME set to `home`, NO_COLOR set to `noColor` (nil: unset), then `extra` on top.
public func procctlEnvironment(
  home: TempHome?, noColor: String? = "1", _ extra: [String: String] = [:]
) -> [String: String] {
  var environment = ProcessInfo.processInfo.environment
  environment.removeValue(forKey: "PROCCTL_APP")
  environment["NO_COLOR"] = noColor
  if let home { environment["PROCCTL_HOME"] = home.path }
  for (k, v) in extra { environment[k] = v }
  return environment
}

/// Runs `procctl args` against `home` with no terminal on stdin (unless `stdin` is given, which
/// is written to a pipe), and waits for it.
public func runProcctl(
  _ args: [String], home: TempHome?, env: [String: String] = [:], stdin: String? = nil,
  cwd: String? = nil
) -> CommandResult {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: procctlBinary)
  p.arguments = args
  p.environment = procctlEnvironment(home: home, env)
  if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
  let out = Pipe()
  let err = Pipe()
  p.standardOutput = out
  p.standardError = err
  let input = Pipe()
  if stdin != nil {
    p.standardInput = input
  } else {
    p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
  }
  do { try p.run() } catch { return CommandResult(exitCode: -1, stdout: "", stderr: "\(error)") }
  if let stdin {
    input.fileHandleForWriting.write(stdin.data(using: .utf8)!)
    try? input.fileHandleForWriting.close()
  }
  // Read both pipes to the end before waiting, so a large output cannot block the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  p.waitUntilExit()
  return CommandResult(
    exitCode: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}

/// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
/// Use this instead of sleeping and hoping.
public func waitUntil(
  timeout: Duration = .seconds(10), interval: Duration = .milliseconds(20),
  _ condition: () throws -> Bool
) async rethrows -> Bool {
  let clock = ContinuousClock()
  let deadline = clock.now + timeout
  while clock.now < deadline {
    if try condition() { return true }
    try? await Task.sleep(for: interval)
  }
  return try condition()
}

/// True while a process with this pid exists (and is not a zombie we could reap).
public func processAlive(_ pid: Int32) -> Bool {
  if kill(pid, 0) != 0 { return false }
  // A zombie still answers kill(0); treat it as gone.
  if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  {
    let rest = stat[stat.index(after: close)...].split(separator: " ")
    if rest.first == "Z" { return false }
  }
  return true
}
