import Foundation
import ProcctlTestSupport
import Testing

@Suite("state file: unreadable files are never overwritten; concurrent changes all count")
struct StateFileTests {
  static let changingCommands: [[String]] = [
    ["apps", "create", "x"],
    ["apps", "delete", "demo", "-y"],
    ["create", "-a", "demo", "-n", "api", "--command", "x", "-y"],
    ["update", "-a", "demo", "web", "--env", "A=1"],
    ["scale", "-a", "demo", "web=3", "-y"],
    ["resize", "-a", "demo", "web=s2", "-y"],
    ["delete", "-a", "demo", "web", "-y"],
    ["billing", "payment-method", "set", "visa-1111"],
  ]

  static let corrupt = Data("{\"schemaVersion\": 1, \"apps\": [ {\"name\": \"demo\",, }\n".utf8)

  @Test(arguments: changingCommands)
  func corruptFileIsLeftByteForByte(_ args: [String]) throws {
    let s = Sandbox()
    try Self.corrupt.write(to: URL(fileURLWithPath: s.home.stateFile))
    let r = s.run(args)
    #expect(r.exitCode == 6, "\(r)")
    #expect(r.stdout == "")
    #expect(r.stderr.hasPrefix("error: state file \(s.home.stateFile) is unreadable: "), "\(r)")
    #expect(r.stderr.contains("line 1"), "\(r)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r)")
    #expect(s.stateBytes == Self.corrupt)
    #expect(!FileManager.default.fileExists(atPath: s.home.stateFile + ".bak"))
  }

  @Test(arguments: changingCommands + [["list"], ["show", "-a", "demo", "web"], ["billing"]])
  func newerSchemaIsLeftByteForByte(_ args: [String]) throws {
    let s = Sandbox().withDemo()
    var st = s.state
    st["schemaVersion"] = 99
    let newer = try JSONSerialization.data(withJSONObject: st, options: [.sortedKeys])
    try newer.write(to: URL(fileURLWithPath: s.home.stateFile))
    let r = s.run(args)
    #expect(r.exitCode == 6, "\(r)")
    #expect(r.stderr.contains("newer procctl"), "\(r)")
    #expect(s.stateBytes == newer)
  }

  @Test func fileAndDirectoryModes() throws {
    let s = Sandbox()
    let home = s.home.path + "/nested/state"
    expectOK(s.run(["apps", "create", "x", "--home", home]))
    let fm = FileManager.default
    let dirMode = try fm.attributesOfItem(atPath: home)[.posixPermissions] as? Int
    let fileMode = try fm.attributesOfItem(atPath: home + "/state.json")[.posixPermissions] as? Int
    #expect(dirMode == 0o700)
    #expect(fileMode == 0o600)
    expectOK(s.run(["apps", "create", "y", "--home", home]))
    #expect(fm.fileExists(atPath: home + "/state.json.bak"))
  }

  /// Starts every command at once (no waiting in between), then waits for all.
  func runAllAtOnce(_ commands: [[String]], home: TempHome) throws -> [Int32] {
    var procs: [Process] = []
    for args in commands {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: procctlBinary)
      p.arguments = args
      var env = ProcessInfo.processInfo.environment
      env["PROCCTL_HOME"] = home.path
      env.removeValue(forKey: "PROCCTL_APP")
      p.environment = env
      p.standardInput = FileHandle.nullDevice
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      procs.append(p)
    }
    return procs.map {
      $0.waitUntilExit()
      return $0.terminationStatus
    }
  }

  @Test(.timeLimit(.minutes(1)))
  func twoHundredParallelUpdatesAllCount() throws {
    let s = Sandbox().withDemo()
    let n = 200
    let codes = try runAllAtOnce((0..<n).map { ["update", "web", "--env", "K\($0)=V\($0)"] }, home: s.home)
    #expect(codes.allSatisfy { $0 == 0 })
    let env = s.process("demo", "web")?["env"] as? [String: String] ?? [:]
    #expect(env.count == n)
    for i in 0..<n { #expect(env["K\(i)"] == "V\(i)") }
    #expect(s.state["revision"] as? Int ?? 0 >= n + 3)
  }

  @Test(.timeLimit(.minutes(1)))
  func parallelRelativeScalesSpreadOverProcessesAllCount() throws {
    let s = Sandbox().withDemo()
    expectOK(s.run(["scale", "web=1", "-y"]))
    for name in ["a", "b", "c"] {
      expectOK(s.run(["create", "-n", name, "--command", "x", "--size", "hobby", "-y"]))
    }
    let names = ["web", "a", "b", "c"]
    let commands = (0..<120).map { ["scale", names[$0 % 4] + "+1", "--yes"] }
    let codes = try runAllAtOnce(commands, home: s.home)
    #expect(codes.allSatisfy { $0 == 0 })
    for name in names { #expect(s.process("demo", name)?["instances"] as? Int == 31) }
  }
}
