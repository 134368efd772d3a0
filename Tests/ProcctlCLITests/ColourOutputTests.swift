import Foundation
import ProcctlTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// procctl colours only the `error:` prefix, only when stderr is a terminal, and never with
/// NO_COLOR set to something non-empty (https://no-color.org). These tests give procctl the slave
/// side of a pseudo-terminal as stderr and read what it wrote on the master side.
@Suite("colour: only error: on a terminal, never with NO_COLOR", .serialized)
struct ColourOutputTests {
  static let red = "\u{1B}[31merror:\u{1B}[0m "

  /// Runs procctl with stderr on a pseudo-terminal (stdout a pipe, stdin /dev/null); returns
  /// its exit code, stdout, and what reached the terminal (with the tty's "\r\n" made "\n").
  func runWithTerminalStderr(_ args: [String], noColor: String?) throws -> (Int32, String, String)
  {
    // posix_openpt/unlockpt/ptsname are hidden behind _XOPEN_SOURCE in Swift's Glibc module:
    // /dev/ptmx and two ioctls (TIOCSPTLCK, TIOCGPTN), as InteractiveConfirmTests does.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    try #require(master >= 0)
    defer { close(master) }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    try #require(ioctl(master, UInt(0x4004_5431), &unlock) == 0)
    try #require(ioctl(master, UInt(0x8004_5430), &number) == 0)
    let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    try #require(slave >= 0)
    let home = TempHome()
    defer { home.remove() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: procctlBinary)
    p.arguments = args
    p.environment = procctlEnvironment(home: home, noColor: noColor)
    let out = Pipe()
    let slaveHandle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = out
    p.standardError = slaveHandle
    try p.run()
    try slaveHandle.close()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    // Every writer of the slave has gone: the master yields what was written, then EIO.
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = read(master, &buf, buf.count)
      if n <= 0 { break }
      bytes += buf[0..<n]
    }
    let terminal = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
      of: "\r\n", with: "\n")
    return (p.terminationStatus, String(decoding: stdout, as: UTF8.self), terminal)
  }

  static let badScale = ["scale", "web=0", "-y"]
  static let message = "instances must be between 1 and 50, got 0\n"

  @Test(.timeLimit(.minutes(1)))
  func errorPrefixIsRedOnATerminal() throws {
    let (code, stdout, stderr) = try runWithTerminalStderr(Self.badScale, noColor: nil)
    #expect(code == 2)
    #expect(stdout == "")
    #expect(stderr == Self.red + Self.message)
  }

  /// NO_COLOR with any non-empty value turns colour off; an empty one does not (no-color.org).
  @Test(.timeLimit(.minutes(1)), arguments: [("1", false), ("0", false), ("", true)])
  func noColor(_ value: String, _ coloured: Bool) throws {
    let (code, stdout, stderr) = try runWithTerminalStderr(Self.badScale, noColor: value)
    #expect(code == 2)
    #expect(stdout == "")
    #expect(stderr == (coloured ? Self.red : "error: ") + Self.message)
  }

  /// stderr that is no terminal (a pipe) gets no colour even without NO_COLOR.
  @Test func noColourIntoAPipe() {
    let home = TempHome()
    defer { home.remove() }
    let r = runProcctl(Self.badScale, home: home, env: ["NO_COLOR": ""])
    expectRun(r, exit: 2, stdout: "", stderr: "error: " + Self.message)
  }

  /// Data on stdout is never coloured, whatever stderr is.
  @Test(.timeLimit(.minutes(1)))
  func stdoutHasNoEscapes() throws {
    let (code, stdout, _) = try runWithTerminalStderr(["sizes"], noColor: nil)
    #expect(code == 0)
    #expect(stdout.hasPrefix("NAME "))
    #expect(!stdout.contains("\u{1B}"))
  }
}
