import Foundation
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

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
  func runOnTerminal(_ args: [String], home: TempHome, answer: String?) throws -> Result {
    // posix_openpt/unlockpt/ptsname are hidden behind _XOPEN_SOURCE in Swift's Glibc module:
    // do what they do with /dev/ptmx and two ioctls (TIOCSPTLCK, TIOCGPTN on x86_64/arm64).
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    #expect(master >= 0)
    defer { close(master) }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    #expect(ioctl(master, UInt(0x4004_5431), &unlock) == 0)
    #expect(ioctl(master, UInt(0x8004_5430), &number) == 0)
    let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    try #require(slave >= 0)
    if let answer {
      _ = answer.withCString { write(master, $0, strlen($0)) }
    } else {
      // ^D at the start of a line: end of input for a canonical-mode reader.
      var eof: UInt8 = 4
      _ = write(master, &eof, 1)
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: procctlBinary)
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["PROCCTL_HOME"] = home.path
    env["NO_COLOR"] = "1"
    env.removeValue(forKey: "PROCCTL_APP")
    p.environment = env
    let stdinHandle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    p.standardInput = stdinHandle
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    try stdinHandle.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(
      exitCode: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }

  @Test(.timeLimit(.minutes(1))) func yesAppliesTheChange() throws {
    let s = Sandbox().withDemo()
    let r = try runOnTerminal(["scale", "web=4"], home: s.home, answer: "y\n")
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout.contains("  instances:    2 -> 4\n"))
    #expect(r.stderr == "Confirm? [y/N] scaled demo/web to 4\n", "\(r)")
    #expect(s.process("demo", "web")?["instances"] as? Int == 4)
  }

  @Test(.timeLimit(.minutes(1)), arguments: ["n\n", "\n", "maybe\n", nil])
  func anythingElseChangesNothing(_ answer: String?) throws {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    let r = try runOnTerminal(["delete", "web"], home: s.home, answer: answer)
    #expect(r.exitCode == 3, "\(r)")
    #expect(r.stderr == "Confirm? [y/N] error: not confirmed; nothing changed\n", "\(r)")
    #expect(s.stateBytes == before)
  }

  @Test(.timeLimit(.minutes(1))) func yesFlagDoesNotAsk() throws {
    let s = Sandbox().withDemo()
    let r = try runOnTerminal(["scale", "web=3", "--yes"], home: s.home, answer: "n\n")
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stderr == "scaled demo/web to 3\n")
  }
}
