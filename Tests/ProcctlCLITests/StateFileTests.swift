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
    expectUnreadableAndUntouched(s, r)
    #expect(r.stderr.contains("line 1"), "\(r)")
    #expect(!FileManager.default.fileExists(atPath: s.home.stateFile + ".bak"))
  }

  /// Read commands leave a corrupt file alone too (and say so the same way).
  @Test(arguments: [["list"], ["show", "-a", "demo", "web"], ["ps"], ["billing"], ["apps", "list"]])
  func corruptFileIsLeftByteForByteByReadCommands(_ args: [String]) throws {
    let s = Sandbox()
    try Self.corrupt.write(to: URL(fileURLWithPath: s.home.stateFile))
    expectUnreadableAndUntouched(s, s.run(args))
  }

  /// Exit 6, one line on stderr naming the file, nothing on stdout, the corrupt bytes kept.
  func expectUnreadableAndUntouched(
    _ s: Sandbox, _ r: CommandResult, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(r.exitCode == 6, "\(r)", sourceLocation: sourceLocation)
    #expect(r.stdout == "", sourceLocation: sourceLocation)
    #expect(
      r.stderr.hasPrefix("error: state file \(s.home.stateFile) is unreadable: "), "\(r)",
      sourceLocation: sourceLocation)
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r)", sourceLocation: sourceLocation)
    #expect(s.stateBytes == Self.corrupt, sourceLocation: sourceLocation)
  }

  /// state.json.bak is the previous version, byte for byte, after each change.
  @Test func backupIsThePreviousVersionByteForByte() throws {
    let s = Sandbox().withDemo()
    let bak = s.home.stateFile + ".bak"
    for args in [
      ["scale", "web=3", "-y"], ["update", "web", "--env", "A=1"], ["resize", "web=s2", "-y"],
    ] {
      let before = try #require(s.stateBytes)
      expectOK(s.run(args))
      #expect(s.stateBytes != before)
      #expect(FileManager.default.contents(atPath: bak) == before, "\(args)")
    }
    // Nothing to change: neither file moves.
    let (state, backup) = (s.stateBytes, FileManager.default.contents(atPath: bak))
    expectRun(s.run(["scale", "web=3", "-y"]), exit: 0, stderr: "nothing to change\n")
    #expect(s.stateBytes == state)
    #expect(FileManager.default.contents(atPath: bak) == backup)
  }

  /// A file that parses but breaks the model's rules (a hand edit, another tool) is unreadable
  /// like a corrupt one: exit 6 naming the file and the problem, never rewritten.
  static let ruleBreakers: [(String, String, String)] = [
    ("\"name\": \"demo\"", "\"name\": \"BAD NAME\"",
     "apps[0]: invalid name \"BAD NAME\": use lowercase letters, digits and '-' (e.g. bad-name)"),
    ("\"instances\":2,", "\"instances\":999,",
     "apps[0].processes[0] \"web\": instances must be between 1 and 50, got 999"),
    ("\"name\":\"api\"", "\"name\":\"web\"",
     "apps[0].processes[1]: process \"web\" appears twice (also processes[0])"),
    ("\"stopTimeoutMs\":10000", "\"stopTimeoutMs\":9223372036854775000",
     "apps[0].processes[0] \"web\": --stop-timeout must be between 0 and 36500d, got 2562047788015h12m55s"),
    ("\"name\":\"web\"", "\"name\":\"Web\"",
     "apps[0].processes[0] \"Web\": invalid name \"Web\": use lowercase letters, digits and '-' (e.g. web)"),
  ]

  @Test(arguments: ruleBreakers)
  func fileBreakingTheModelRulesIsUnreadable(_ find: String, _ replace: String, _ problem: String)
    throws
  {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-n", "api", "--command", "x", "--size", "hobby", "-y"]))
    let text = String(decoding: try #require(s.stateBytes), as: UTF8.self)
    #expect(text.contains(find))
    let bad = Data(text.replacingOccurrences(of: find, with: replace).utf8)
    try bad.write(to: URL(fileURLWithPath: s.home.stateFile))
    for args in [["list"], ["scale", "-a", "demo", "api=2", "-y"], ["apps", "create", "x"]] {
      let r = s.run(args)
      #expect(r.exitCode == 6, "\(r)")
      #expect(r.stdout == "")
      #expect(
        r.stderr.hasPrefix("error: state file \(s.home.stateFile) is unreadable: \(problem) at line "),
        "\(r)")
      #expect(r.stderr.hasSuffix("; it was left unchanged\n"), "\(r)")
      #expect(s.stateBytes == bad)
    }
  }

  /// A file an earlier procctl wrote within its looser limits (a 2 h stop timeout, a 3 h
  /// min-uptime) stays readable, and the next change can bring the value back into range.
  @Test func durationsBeyondTheFlagsLimitsStayReadableFromTheFile() throws {
    let s = Sandbox().withDemo()
    let text = String(decoding: try #require(s.stateBytes), as: UTF8.self)
    #expect(text.contains("\"stopTimeoutMs\":10000") && text.contains("\"minUptimeMs\":1000"))
    let old = text
      .replacingOccurrences(of: "\"stopTimeoutMs\":10000", with: "\"stopTimeoutMs\":7200000")
      .replacingOccurrences(of: "\"minUptimeMs\":1000", with: "\"minUptimeMs\":10800000")
    try Data(old.utf8).write(to: URL(fileURLWithPath: s.home.stateFile))
    let shown = s.run(["show", "-a", "demo", "web", "--json"])
    #expect(shown.exitCode == 0, "\(shown)")
    #expect(shown.stdout.contains("\"stopTimeoutMs\": 7200000"), "\(shown)")
    let fixed = s.run(["update", "-a", "demo", "web", "--stop-timeout", "30s"])
    #expect(fixed.exitCode == 0, "\(fixed)")
    let after = s.run(["show", "-a", "demo", "web", "--json"])
    #expect(after.stdout.contains("\"stopTimeoutMs\": 30000"), "\(after)")
  }

  @Test func duplicatedApplicationIsUnreadable() throws {
    let s = Sandbox().withDemo()
    var st = s.state
    st["apps"] = (st["apps"] as? [Any] ?? []) + (st["apps"] as? [Any] ?? [])
    let bad = try JSONSerialization.data(withJSONObject: st)
    try bad.write(to: URL(fileURLWithPath: s.home.stateFile))
    let r = s.run(["apps", "create", "x"])
    #expect(r.exitCode == 6, "\(r)")
    #expect(
      r.stderr.contains("is unreadable: apps[1]: application \"demo\" appears twice (also apps[0])"),
      "\(r)")
    #expect(s.stateBytes == bad)
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
      p.environment = procctlEnvironment(home: home)
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
