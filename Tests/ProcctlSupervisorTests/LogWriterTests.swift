import Foundation
import Testing

@testable import ProcctlSupervisor

private func lines(_ path: String) -> [String] {
  guard let s = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
  return s.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

private func tempDir() -> String {
  let p = NSTemporaryDirectory() + "procctl-logtest-" + UUID().uuidString
  try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
  return p
}

@Suite struct LogWriterTests {
  // 2026-12-03T19:11:10.123Z
  let t0: Int64 = 1_796_325_070_123

  @Test func formatsLinesWithTimestampAndStream() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = LogWriter(path: dir + "/w.1.log")
    w.append(Array("hello\nwor".utf8), from: .stdout, atMs: t0)
    w.append(Array("oops\n".utf8), from: .stderr, atMs: t0 + 1)
    w.append(Array("ld\n".utf8), from: .stdout, atMs: t0 + 1000)
    w.close(atMs: t0 + 2000)
    #expect(
      lines(dir + "/w.1.log") == [
        "2026-12-03T19:11:10.123Z stdout hello",
        "2026-12-03T19:11:10.124Z stderr oops",
        "2026-12-03T19:11:11.123Z stdout world",
      ])
  }

  /// The file (and its directory) comes with the first line, not with the writer: a start does
  /// not wait for a file creation, and a silent instance leaves no empty file.
  @Test func theFileIsCreatedByTheFirstLine() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/app/w.1.log"
    let w = LogWriter(path: path)
    w.append(Array("no newline yet".utf8), from: .stdout, atMs: t0)
    #expect(!FileManager.default.fileExists(atPath: path))
    w.append(Array("\n".utf8), from: .stdout, atMs: t0)
    #expect(lines(path) == ["2026-12-03T19:11:10.123Z stdout no newline yet"])
    let silent = LogWriter(path: dir + "/app/w.2.log")
    silent.close(atMs: t0)
    #expect(!FileManager.default.fileExists(atPath: dir + "/app/w.2.log"))
    let cron = LogWriter(path: dir + "/runs/r.log")
    cron.createFile()
    #expect(FileManager.default.fileExists(atPath: dir + "/runs/r.log"))
  }

  @Test func partialLastLineIsFlushedAtEndOfStream() {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = LogWriter(path: dir + "/w.1.log")
    w.append(Array("one\nlast words".utf8), from: .stdout, atMs: t0)
    #expect(lines(dir + "/w.1.log").count == 1)
    w.endOfStream(.stdout, atMs: t0 + 5)
    #expect(lines(dir + "/w.1.log").last == "2026-12-03T19:11:10.128Z stdout last words")
    w.close(atMs: t0 + 6)
    #expect(lines(dir + "/w.1.log").count == 2)
  }

  @Test func overlongLinesAreSplit() {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = LogWriter(path: dir + "/w.1.log", maxLine: 100)
    w.append([UInt8](repeating: 0x61, count: 250) + [0x0A], from: .stdout, atMs: t0)
    w.close(atMs: t0)
    let l = lines(dir + "/w.1.log")
    #expect(l.count == 3)
    #expect(l.map { $0.count - 32 } == [100, 100, 50])
  }

  @Test func rotationKeepsAtMostTheSetNumberOfFiles() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/w.1.log"
    let w = LogWriter(path: path, rotation: LogRotation(maxBytes: 1000, files: 3))
    for i in 0..<200 {
      w.append(Array("line \(i) padding padding padding\n".utf8), from: .stdout, atMs: t0 + Int64(i))
    }
    w.close(atMs: t0 + 1000)
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    #expect(names == ["w.1.log", "w.1.log.1", "w.1.log.2"])
    for n in names {
      let size = try FileManager.default.attributesOfItem(atPath: dir + "/" + n)[.size] as? Int
      #expect((size ?? 0) <= 1000)
    }
    // The newest lines are in the current file, in order; rotated files hold older ones.
    #expect(lines(path).last?.hasSuffix("line 199 padding padding padding") == true)
    let older = lines(path + ".2") + lines(path + ".1") + lines(path)
    let numbers = older.compactMap { Int($0.split(separator: " ")[3]) }
    #expect(numbers == Array(numbers.sorted()))
    #expect(numbers.last == 199)
  }

  @Test func manyLinesInOneChunkGoOutInOrder() {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = LogWriter(path: dir + "/w.1.log")
    var chunk: [UInt8] = []
    for i in 0..<10_000 { chunk += Array("\(i)\n".utf8) }
    w.append(chunk, from: .stdout, atMs: t0)
    w.close(atMs: t0)
    let l = lines(dir + "/w.1.log")
    #expect(l.count == 10_000)
    #expect(l[9_999].hasSuffix(" 9999"))
    #expect(w.droppedLines == 0)
  }

  /// /dev/full fails every write with ENOSPC: lines are held up to the bound, then counted.
  @Test func linesThatCannotBeWrittenAreCountedAsDropped() {
    let w = LogWriter(path: "/dev/full", maxPending: 100)
    for i in 0..<10 { w.append(Array("line \(i)\n".utf8), from: .stdout, atMs: t0) }
    #expect(w.droppedLines >= 7)
    w.close(atMs: t0)
    #expect(w.droppedLines == 10)
    #expect(w.linesWritten == 0)
  }

  /// A full disk: lines are held up to the bound, the rest dropped; once writing works again
  /// the held lines come first, then a marker says how many were lost.
  @Test func droppedLinesAreReportedOnceWritingWorksAgain() {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = LogWriter(path: dir + "/w.1.log", maxPending: 200)
    w.append(Array("before\n".utf8), from: .stdout, atMs: t0)
    w.file.simulateFullDisk = true
    for i in 0..<20 { w.append(Array("full \(i)\n".utf8), from: .stdout, atMs: t0 + 1) }
    let dropped = w.droppedLines
    #expect(dropped > 0 && dropped < 20)
    w.file.simulateFullDisk = false
    w.append(Array("after\n".utf8), from: .stdout, atMs: t0 + 2)
    w.close(atMs: t0 + 3)
    let l = lines(dir + "/w.1.log")
    #expect(l.first == "2026-12-03T19:11:10.123Z stdout before")
    #expect(l.contains("2026-12-03T19:11:10.125Z procctl [procctl] dropped \(dropped) lines"), "\(l)")
    #expect(l.last == "2026-12-03T19:11:10.125Z stdout after")
    #expect(l.count == 1 + (20 - dropped) + 1 + 1)
  }

  /// Lines dropped in the last congestion window before the file is closed (one chunk too big
  /// to hold while the disk is full, nothing written after it) are still reported, at close.
  @Test func linesDroppedLastAreReportedWhenTheFileIsClosed() {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = LogWriter(path: dir + "/w.1.log", maxPending: 50)
    w.append(Array("before\n".utf8), from: .stdout, atMs: t0)
    w.file.simulateFullDisk = true
    let chunk = (0..<10).map { "full \($0)\n" }.joined()
    w.append(Array(chunk.utf8), from: .stdout, atMs: t0 + 1)
    #expect(w.droppedLines == 10)
    w.file.simulateFullDisk = false
    w.close(atMs: t0 + 2)
    let l = lines(dir + "/w.1.log")
    #expect(
      l == [
        "2026-12-03T19:11:10.123Z stdout before",
        "2026-12-03T19:11:10.125Z procctl [procctl] dropped 10 lines",
      ], "\(l)")
  }

  @Test func eventsLogLines() {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let e = EventFileWriter(path: dir + "/events.log")
    e.record("worker.1 started pid 42", app: "demo", atMs: t0)
    e.record("supervisor started", app: nil, atMs: t0 + 1)
    e.close()
    #expect(
      lines(dir + "/events.log") == [
        "2026-12-03T19:11:10.123Z demo worker.1 started pid 42",
        "2026-12-03T19:11:10.124Z - supervisor started",
      ])
    let recs = LogReader.events(logsDir: dir, app: "demo", lines: nil)
    #expect(recs.map(\.text) == ["worker.1 started pid 42"])
  }
}
