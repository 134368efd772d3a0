import Foundation
import ProcctlTestSupport
import Testing

private func append(_ path: String, _ text: String) {
  if let h = FileHandle(forWritingAtPath: path) {
    h.seekToEndOfFile()
    h.write(text.data(using: .utf8)!)
    try? h.close()
  } else {
    _ = FileManager.default.createFile(atPath: path, contents: text.data(using: .utf8))
  }
}

@Suite struct LogsCommandTests {
  func setUp() -> TempHome {
    let home = TempHome()
    _ = runProcctl(["billing", "payment-method", "set", "visa-4242", "--yes"], home: home)
    let r = runProcctl(
      ["create", "--app", "demo", "--name", "worker", "--command", "true", "--instances", "2", "--yes"],
      home: home)
    precondition(r.exitCode == 0, "\(r)")
    try? FileManager.default.createDirectory(
      atPath: home.path + "/logs/demo", withIntermediateDirectories: true)
    return home
  }

  @Test func mergesInstancesPrefixedAndInTimeOrder() {
    let home = setUp()
    defer { home.remove() }
    let dir = home.path + "/logs/demo"
    append(dir + "/worker.1.log.1", "2026-12-03T19:11:09.000Z stdout a0\n")
    append(dir + "/worker.1.log", "2026-12-03T19:11:10.123Z stdout a1\n2026-12-03T19:11:10.300Z stdout a2\n")
    append(dir + "/worker.2.log", "2026-12-03T19:11:10.200Z stderr b1\n")
    let r = runProcctl(["logs", "worker"], home: home)
    #expect(r.exitCode == 0)
    #expect(
      r.stdout == """
        worker.1 | 2026-12-03T19:11:09.000Z stdout a0
        worker.1 | 2026-12-03T19:11:10.123Z stdout a1
        worker.2 | 2026-12-03T19:11:10.200Z stderr b1
        worker.1 | 2026-12-03T19:11:10.300Z stdout a2

        """)
    let last = runProcctl(["logs", "worker", "-n", "2", "--json"], home: home)
    #expect(
      last.stdout.split(separator: "\n") == [
        #"{"time":"2026-12-03T19:11:10.200Z","app":"demo","process":"worker","instance":2,"name":"worker.2","stream":"stderr","line":"b1"}"#,
        #"{"time":"2026-12-03T19:11:10.300Z","app":"demo","process":"worker","instance":1,"name":"worker.1","stream":"stdout","line":"a2"}"#,
      ])
    let one = runProcctl(["logs", "worker.2"], home: home)
    #expect(one.stdout == "worker.2 | 2026-12-03T19:11:10.200Z stderr b1\n")
    let since = runProcctl(["logs", "worker", "--since", "2026-12-03T19:11:10.250Z"], home: home)
    #expect(since.stdout == "worker.1 | 2026-12-03T19:11:10.300Z stdout a2\n")
  }

  @Test func badValuesAndUnknownNames() {
    let home = setUp()
    defer { home.remove() }
    let missing = runProcctl(["logs", "nope"], home: home)
    #expect(missing.exitCode == 4)
    #expect(missing.stderr.contains("process \"nope\" not found"))
    let badN = runProcctl(["logs", "worker", "-n", "-3"], home: home)
    #expect(badN.exitCode == 2 && badN.stderr.contains("-n"))
    let badSince = runProcctl(["logs", "worker", "--since", "yesterday"], home: home)
    #expect(badSince.exitCode == 2 && badSince.stderr.contains("--since"))
    #expect(runProcctl(["events", "-n", "x"], home: home).exitCode == 2)
  }

  @Test(.timeLimit(.minutes(1))) func followSeesLinesAfterRotationAndNewInstances() async throws {
    let home = setUp()
    defer { home.remove() }
    let dir = home.path + "/logs/demo"
    append(dir + "/worker.1.log", "2026-12-03T19:11:10.000Z stdout old\n")
    let f = try FollowProcess(["logs", "worker", "-f"], home: home)
    defer { f.stop() }
    #expect(await waitUntil { f.output.contains("stdout old") })
    append(dir + "/worker.1.log", "2026-12-03T19:11:11.000Z stdout before-rotation\n")
    #expect(await waitUntil { f.output.contains("before-rotation") })
    // Rotate the way the writer does: rename, then a new file.
    try FileManager.default.moveItem(atPath: dir + "/worker.1.log", toPath: dir + "/worker.1.log.1")
    append(dir + "/worker.1.log", "2026-12-03T19:11:12.000Z stdout after-rotation\n")
    append(dir + "/worker.2.log", "2026-12-03T19:11:13.000Z stdout new-instance\n")
    #expect(await waitUntil { f.output.contains("new-instance") && f.output.contains("after-rotation") })
    let lines = f.output.split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines.filter { $0.contains("before-rotation") }.count == 1)
  }

  @Test func eventsFilteredByApp() {
    let home = setUp()
    defer { home.remove() }
    append(
      home.path + "/logs/events.log",
      """
      2026-12-03T19:11:10.000Z - supervisor started
      2026-12-03T19:11:10.100Z demo worker.1 started pid 42
      2026-12-03T19:11:10.200Z other web.1 started pid 43
      2026-12-03T19:11:10.300Z demo worker.1 exited: OOMKilled

      """)
    let r = runProcctl(["events", "--app", "demo"], home: home)
    #expect(
      r.stdout == """
        2026-12-03T19:11:10.100Z demo worker.1 started pid 42
        2026-12-03T19:11:10.300Z demo worker.1 exited: OOMKilled

        """)
    let j = runProcctl(["events", "-n", "1", "--json"], home: home)
    #expect(
      j.stdout
        == #"{"time":"2026-12-03T19:11:10.300Z","app":"demo","message":"worker.1 exited: OOMKilled"}"# + "\n")
  }

  @Test func doctorReportsTheMode() {
    let forced = runProcctl(["doctor"], home: nil, env: ["PROCCTL_LIMITS": "rlimit"])
    #expect(forced.exitCode == 0)
    #expect(forced.stdout.hasPrefix("limits: rlimit: forced by PROCCTL_LIMITS=rlimit"))
    #expect(forced.stdout.contains("time zones:"))
    let bad = runProcctl(["doctor"], home: nil, env: ["PROCCTL_LIMITS": "v9"])
    #expect(bad.exitCode == 2)
    #expect(bad.stderr.contains("use auto, v2, v1 or rlimit"))
  }
}
