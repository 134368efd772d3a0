import Foundation
import Testing

@testable import ProcctlSupervisor

@Suite struct LogReaderTests {
  let t0: Int64 = 1_796_325_070_000

  func tempLogs() -> String {
    let p = NSTemporaryDirectory() + "procctl-readtest-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: p + "/demo", withIntermediateDirectories: true)
    return p
  }

  @Test func parsesItsOwnFormat() {
    let r = LogRecord.parse("2026-12-03T19:11:10.123Z stderr boom: it broke", source: "w.1", instance: 1)
    #expect(r.timeMs == 1_796_325_070_123)
    #expect(r.tag == "stderr")
    #expect(r.text == "boom: it broke")
    #expect(r.time.description == "2026-12-03T19:11:10.123Z")
    let bad = LogRecord.parse("garbage", source: "w.1", instance: 1)
    #expect(bad.timeMs == 0 && bad.text == "garbage")
  }

  @Test func mergesInstancesInTimeOrderIncludingRotatedFiles() {
    let logs = tempLogs()
    defer { try? FileManager.default.removeItem(atPath: logs) }
    let w1 = LogWriter(
      path: LogReader.instancePath(logsDir: logs, app: "demo", process: "worker", instance: 1),
      rotation: LogRotation(maxBytes: 200, files: 10))
    let w2 = LogWriter(
      path: LogReader.instancePath(logsDir: logs, app: "demo", process: "worker", instance: 2))
    for i in 0..<20 {
      let w = i % 2 == 0 ? w1 : w2
      w.append(Array("msg \(i)\n".utf8), from: .stdout, atMs: t0 + Int64(i) * 10)
    }
    w1.close(atMs: t0)
    w2.close(atMs: t0)
    #expect(FileManager.default.fileExists(atPath: logs + "/demo/worker.1.log.1"))
    #expect(LogReader.instances(logsDir: logs, app: "demo", process: "worker") == [1, 2])
    let all = LogReader.tail(logsDir: logs, app: "demo", process: "worker", lines: nil, sinceMs: nil)
    #expect(all.map(\.text) == (0..<20).map { "msg \($0)" })
    #expect(all.map(\.source).prefix(2) == ["worker.1", "worker.2"])
    let last5 = LogReader.tail(logsDir: logs, app: "demo", process: "worker", lines: 5, sinceMs: nil)
    #expect(last5.map(\.text) == (15..<20).map { "msg \($0)" })
    let since = LogReader.tail(
      logsDir: logs, app: "demo", process: "worker", lines: nil, sinceMs: t0 + 175)
    #expect(since.map(\.text) == ["msg 18", "msg 19"])
    let one = LogReader.tail(
      logsDir: logs, app: "demo", process: "worker", instance: 2, lines: 3, sinceMs: nil)
    #expect(one.map(\.text) == ["msg 15", "msg 17", "msg 19"])
  }

  @Test func readsBackwardsAcrossBlocks() throws {
    let logs = tempLogs()
    defer { try? FileManager.default.removeItem(atPath: logs) }
    let w = LogWriter(
      path: LogReader.instancePath(logsDir: logs, app: "demo", process: "big", instance: 1))
    let long = String(repeating: "x", count: 1000)
    for i in 0..<300 { w.append(Array("\(i) \(long)\n".utf8), from: .stdout, atMs: t0 + Int64(i)) }
    w.close(atMs: t0)
    let recs = LogReader.tail(logsDir: logs, app: "demo", process: "big", lines: 250, sinceMs: nil)
    #expect(recs.count == 250)
    #expect(recs.first?.text.hasPrefix("50 ") == true)
    #expect(recs.allSatisfy { $0.text.count == 1000 + String($0.text.prefix { $0 != " " }).count + 1 })
  }

  @Test(.timeLimit(.minutes(1))) func followSeesLinesAfterRotationAndNewInstances() {
    let logs = tempLogs()
    defer { try? FileManager.default.removeItem(atPath: logs) }
    let p1 = LogReader.instancePath(logsDir: logs, app: "demo", process: "worker", instance: 1)
    let w1 = LogWriter(path: p1, rotation: LogRotation(maxBytes: 300, files: 3))
    w1.append(Array("before follow\n".utf8), from: .stdout, atMs: t0)
    let f = LogFollower.instances(logsDir: logs, app: "demo", process: "worker", instance: nil)
    #expect(f.startOffsets[1] == 46)
    var seen: [String] = []
    for i in 0..<30 {
      w1.append(Array("line \(i) with some padding\n".utf8), from: .stdout, atMs: t0 + Int64(i))
      if i % 7 == 0 { seen += f.poll(timeoutMs: 1000).map(\.text) }
    }
    #expect(FileManager.default.fileExists(atPath: p1 + ".1"))
    let w2 = LogWriter(
      path: LogReader.instancePath(logsDir: logs, app: "demo", process: "worker", instance: 2))
    w2.append(Array("hello from 2\n".utf8), from: .stderr, atMs: t0 + 100)
    for _ in 0..<20 where seen.count < 31 { seen += f.poll(timeoutMs: 500).map(\.text) }
    #expect(seen == (0..<30).map { "line \($0) with some padding" } + ["hello from 2"])
    w1.close(atMs: t0)
    w2.close(atMs: t0)
  }
}
