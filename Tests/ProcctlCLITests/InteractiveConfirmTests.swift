import Foundation
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// procctl running with the slave side of a pseudo-terminal as stdin, its stdout and stderr in
/// files; `type` writes on the master side, as a person at the keyboard would.
final class TerminalSession: @unchecked Sendable {
  let process = Process()
  private let master: Int32
  private let outPath: String
  private let errPath: String

  init(_ args: [String], home: TempHome) throws {
    // posix_openpt/unlockpt/ptsname are hidden behind _XOPEN_SOURCE in Swift's Glibc module:
    // do what they do with /dev/ptmx and two ioctls (TIOCSPTLCK, TIOCGPTN on x86_64/arm64).
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    try #require(master >= 0)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    #expect(ioctl(master, UInt(0x4004_5431), &unlock) == 0)
    #expect(ioctl(master, UInt(0x8004_5430), &number) == 0)
    let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    try #require(slave >= 0)
    outPath = home.path + "/terminal.out"
    errPath = home.path + "/terminal.err"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: procctlBinary)
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["PROCCTL_HOME"] = home.path
    env["NO_COLOR"] = "1"
    env.removeValue(forKey: "PROCCTL_APP")
    process.environment = env
    let stdinHandle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    process.standardInput = stdinHandle
    process.standardOutput = FileHandle(forWritingAtPath: outPath)
    process.standardError = FileHandle(forWritingAtPath: errPath)
    try process.run()
    try stdinHandle.close()
  }

  /// Types `text`; nil types ^D at the start of a line (end of input for a canonical reader).
  func type(_ text: String?) {
    if let text {
      _ = text.withCString { write(master, $0, strlen($0)) }
    } else {
      var eof: UInt8 = 4
      _ = write(master, &eof, 1)
    }
  }

  var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
  var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

  /// Waits for procctl to exit (it is killed if it has not within 20 s) and returns its status.
  func finish() async -> Int32 {
    if !(await waitUntil(timeout: .seconds(20)) { !process.isRunning }) {
      kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    close(master)
    return process.terminationStatus
  }
}

/// `Confirm? [y/N]` needs a terminal on stdin: these tests give procctl the slave side of a
/// pseudo-terminal and type the answer on the master side.
@Suite("interactive confirmation on a terminal") struct InteractiveConfirmTests {
  struct Result: CustomStringConvertible {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(exitCode)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)" }
  }

  /// Runs procctl with a pty as stdin, having typed `answer` (nil: close the terminal = EOF).
  func runOnTerminal(_ args: [String], home: TempHome, answer: String?) async throws -> Result {
    let t = try TerminalSession(args, home: home)
    t.type(answer)
    let code = await t.finish()
    return Result(exitCode: code, stdout: t.stdout, stderr: t.stderr)
  }

  /// The question is asked without holding the state lock: a script's change goes through while
  /// a person thinks, and the person is then shown the change as it has become.
  @Test(.timeLimit(.minutes(1))) func aPendingQuestionBlocksNoOtherChange() async throws {
    let s = Sandbox().withDemo()
    let t = try TerminalSession(["scale", "web=4"], home: s.home)
    #expect(await waitUntil { t.stderr.hasSuffix("Confirm? [y/N] ") }, "\(t.stderr)")
    #expect(t.stdout.contains("  instances:    2 -> 4\n"))
    // A script's change meanwhile: it must not wait for the person (bounded by a deadline).
    let script = Process()
    script.executableURL = URL(fileURLWithPath: procctlBinary)
    script.arguments = ["scale", "web=3", "--yes"]
    script.environment = ["PROCCTL_HOME": s.home.path, "NO_COLOR": "1"]
    script.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    script.standardOutput = FileHandle.nullDevice
    script.standardError = FileHandle.nullDevice
    try script.run()
    let done = await waitUntil(timeout: .seconds(10)) { !script.isRunning }
    if !done { kill(script.processIdentifier, SIGKILL) }
    script.waitUntilExit()
    #expect(done && script.terminationStatus == 0)
    #expect(s.process("demo", "web")?["instances"] as? Int == 3)
    // The answer to the old question is not applied blindly: the new change is asked again.
    t.type("y\n")
    #expect(await waitUntil { t.stderr.contains("the state changed while you were confirming") })
    #expect(await waitUntil { t.stdout.contains("  instances:    3 -> 4\n") }, "\(t.stdout)")
    t.type("y\n")
    #expect(await t.finish() == 0, "\(t.stderr)")
    #expect(s.process("demo", "web")?["instances"] as? Int == 4)
  }

  @Test(.timeLimit(.minutes(1))) func yesAppliesTheChange() async throws {
    let s = Sandbox().withDemo()
    let r = try await runOnTerminal(["scale", "web=4"], home: s.home, answer: "y\n")
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout.contains("  instances:    2 -> 4\n"))
    #expect(r.stderr == "Confirm? [y/N] scaled demo/web to 4\n", "\(r)")
    #expect(s.process("demo", "web")?["instances"] as? Int == 4)
  }

  @Test(.timeLimit(.minutes(1)), arguments: ["n\n", "\n", "maybe\n", nil])
  func anythingElseChangesNothing(_ answer: String?) async throws {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    let r = try await runOnTerminal(["delete", "web"], home: s.home, answer: answer)
    #expect(r.exitCode == 3, "\(r)")
    #expect(r.stderr == "Confirm? [y/N] error: not confirmed; nothing changed\n", "\(r)")
    #expect(s.stateBytes == before)
  }

  @Test(.timeLimit(.minutes(1))) func yesFlagDoesNotAsk() async throws {
    let s = Sandbox().withDemo()
    let r = try await runOnTerminal(["scale", "web=3", "--yes"], home: s.home, answer: "n\n")
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stderr == "scaled demo/web to 3\n")
  }
}
