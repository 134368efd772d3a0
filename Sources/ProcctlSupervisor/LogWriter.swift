#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore

/// Writes one instance's stdout and stderr to `logs/<app>/<process>.<instance>.log`.
///
/// Line format (fixed-width prefix of 32 bytes, so readers can parse without scanning):
///
///     2026-12-03T19:11:10.123Z stdout the line as the instance wrote it
///
/// RFC 3339 UTC with milliseconds, one space, the stream (`stdout`, `stderr`, or `procctl` for
/// notes from the supervisor such as dropped-line markers), one space, the line without its
/// newline. A line longer than `maxLine` is split into several records.
///
/// The supervisor's loop hands it each chunk read from a pipe; the writer splits lines, keeps a
/// partial last line per stream until its newline (or the end of the stream), and issues one
/// `write` per chunk. It never blocks the loop for long: when a write fails or stalls, lines
/// are kept in a bounded buffer, and beyond that dropped and counted, then a
/// `[procctl] dropped N lines` record says so once writing works again.
public final class LogWriter {
  public enum Stream: Int, Sendable {
    case stdout = 0, stderr = 1

    var tag: StaticString { self == .stdout ? "stdout" : "stderr" }
  }

  let file: LogFile
  /// Longest line kept whole; longer ones are split.
  let maxLine: Int
  /// Most bytes held back when the file cannot take them.
  let maxPending: Int
  /// A write slower than this marks the disk as congested: for as long again (at most
  /// `maxSheddingNanos`) new lines are held in the bounded buffer, and dropped (counted)
  /// beyond it, instead of stalling the loop again.
  let stallNanos: Int64 = 100_000_000
  let maxSheddingNanos: Int64 = 500_000_000

  // The hot path touches these per line; the loop thread is their only user, so the dynamic
  // exclusivity checks (a third of the time per line when measured) are switched off.
  @exclusivity(unchecked) private var partial: [[UInt8]] = [[], []]
  @exclusivity(unchecked) private var out: [UInt8] = []
  @exclusivity(unchecked) private var pending: [UInt8] = []
  @exclusivity(unchecked) private var prefix = [UInt8](repeating: 0, count: 32)
  private var cachedSecond: Int64 = Int64.min
  private var shedUntil: Int64 = 0
  /// Dropped lines not yet reported in the log.
  private var unreported = 0

  public private(set) var droppedLines = 0
  @exclusivity(unchecked) public private(set) var linesWritten = 0

  public init(
    path: String, rotation: LogRotation = .default, maxLine: Int = 64 * 1024,
    maxPending: Int = 4 * 1024 * 1024
  ) {
    file = LogFile(path: path, rotation: rotation)
    self.maxLine = max(16, maxLine)
    self.maxPending = maxPending
  }

  public var path: String { file.path }

  /// Creates the file now (it is otherwise created by the first line): a cron run's record
  /// names its log, which should exist even when the run printed nothing.
  public func createFile() { file.openNow() }

  /// Takes a chunk read from the instance's `stream` pipe at `nowMs` (epoch milliseconds).
  public func append(_ bytes: UnsafeRawBufferPointer, from stream: Stream, atMs nowMs: Int64) {
    if bytes.isEmpty { return }
    setPrefix(nowMs, stream)
    let s = stream.rawValue
    guard let base = bytes.baseAddress else { return }
    var start = 0
    let count = bytes.count
    while start < count {
      guard let hit = memchr(base + start, 0x0A, count - start) else { break }
      let end = base.distance(to: UnsafeRawPointer(hit))
      emit(stream: s, UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
      start = end + 1
    }
    if start < count {
      // Keep the unterminated rest; split it when it grows past maxLine.
      var rest = UnsafeRawBufferPointer(rebasing: bytes[start..<count])
      while partial[s].count + rest.count >= maxLine {
        let take = maxLine - partial[s].count
        emit(stream: s, UnsafeRawBufferPointer(rebasing: rest[0..<take]))
        rest = UnsafeRawBufferPointer(rebasing: rest[take...])
      }
      partial[s].append(contentsOf: rest)
    }
    flush(nowMs: nowMs)
  }

  public func append(_ bytes: [UInt8], from stream: Stream, atMs nowMs: Int64) {
    bytes.withUnsafeBytes { append($0, from: stream, atMs: nowMs) }
  }

  /// The stream reached EOF (the instance closed it or exited): its partial line is written.
  public func endOfStream(_ stream: Stream, atMs nowMs: Int64) {
    let s = stream.rawValue
    if partial[s].isEmpty { return }
    setPrefix(nowMs, stream)
    emit(stream: s, UnsafeRawBufferPointer(start: nil, count: 0))
    flush(nowMs: nowMs)
  }

  /// Flushes both streams' partial lines, says how many lines were dropped since the last
  /// such note (the file's last word on them), and closes the file.
  public func close(atMs nowMs: Int64) {
    endOfStream(.stdout, atMs: nowMs)
    endOfStream(.stderr, atMs: nowMs)
    // The last chance: nothing is held back for a congestion window any more.
    shedUntil = 0
    flush(nowMs: nowMs)
    if !pending.isEmpty {
      // What still does not fit is lost and counted.
      writeOut(&pending, nowMs: nowMs)
      if !pending.isEmpty { drop(&pending) }
    }
    // Lines dropped in the last congestion window (or just now) have had no note yet.
    reportDropped(nowMs: nowMs)
    file.close()
  }

  // MARK: formatting

  private func setPrefix(_ nowMs: Int64, _ stream: Stream) {
    let second = nowMs >= 0 ? nowMs / 1000 : (nowMs - 999) / 1000
    if second != cachedSecond {
      cachedSecond = second
      let text = Timestamp(epochMs: second * 1000).description  // "YYYY-MM-DDTHH:MM:SS.000Z"
      var i = 0
      for b in text.utf8.prefix(20) {
        prefix[i] = b
        i += 1
      }
    }
    let ms = Int(nowMs - second * 1000)
    prefix[20] = UInt8(48 + ms / 100)
    prefix[21] = UInt8(48 + ms / 10 % 10)
    prefix[22] = UInt8(48 + ms % 10)
    prefix[23] = 0x5A  // Z
    prefix[24] = 0x20
    stream.tag.withUTF8Buffer { tag in
      for (j, b) in tag.enumerated() { prefix[25 + j] = b }
    }
    prefix[31] = 0x20
  }

  /// Appends one record (prefix, the stream's partial line, `piece`, newline) to the batch,
  /// rotating first when it would overflow the file.
  private func emit(stream s: Int, _ piece: UnsafeRawBufferPointer) {
    var piece = piece
    while partial[s].count + piece.count > maxLine {
      let take = maxLine - partial[s].count
      emitRecord(stream: s, UnsafeRawBufferPointer(rebasing: piece[0..<take]))
      piece = UnsafeRawBufferPointer(rebasing: piece[take...])
    }
    emitRecord(stream: s, piece)
  }

  private func emitRecord(stream s: Int, _ piece: UnsafeRawBufferPointer) {
    let length = prefix.count + partial[s].count + piece.count + 1
    if file.wouldOverflow(adding: pending.count + out.count + length) {
      writeBatch()
      if pending.isEmpty { file.rotate() }
    }
    out.append(contentsOf: prefix)
    if !partial[s].isEmpty {
      out.append(contentsOf: partial[s])
      partial[s].removeAll(keepingCapacity: true)
    }
    out.append(contentsOf: piece)
    out.append(0x0A)
    linesWritten += 1
  }

  /// The `[procctl] dropped N lines` note for the lines dropped since the last one, if any.
  private func reportDropped(nowMs: Int64) {
    if unreported == 0 { return }
    let n = unreported
    unreported = 0
    appendNote("[procctl] dropped \(n) line\(n == 1 ? "" : "s")", nowMs: nowMs)
  }

  /// A supervisor note in this instance's log ("[procctl] dropped 12 lines").
  private func appendNote(_ text: String, nowMs: Int64) {
    let ts = Timestamp(epochMs: nowMs).description
    let line = Array("\(ts) procctl \(text)\n".utf8)
    if file.wouldOverflow(adding: line.count) { file.rotate() }
    line.withUnsafeBytes { _ = file.write($0) }
  }

  // MARK: writing

  private func flush(nowMs: Int64) {
    if out.isEmpty && pending.isEmpty { return }
    if shedUntil > 0 && !out.isEmpty && monotonicNanos() < shedUntil {
      if pending.count + out.count <= maxPending {
        pending.append(contentsOf: out)
        out.removeAll(keepingCapacity: true)
      } else {
        drop(&out)
      }
      return
    }
    writeBatch(nowMs: nowMs)
  }

  private func writeBatch(nowMs: Int64? = nil) {
    let now = nowMs ?? wallClockMs()
    if !pending.isEmpty {
      writeOut(&pending, nowMs: now)
      if !pending.isEmpty {
        // Still blocked: keep what fits, drop the rest.
        if pending.count + out.count <= maxPending {
          pending.append(contentsOf: out)
          out.removeAll(keepingCapacity: true)
        } else {
          drop(&out)
        }
        return
      }
    }
    reportDropped(nowMs: now)
    if out.isEmpty { return }
    writeOut(&out, nowMs: now)
    if !out.isEmpty {
      if out.count <= maxPending {
        pending = out
      } else {
        drop(&out)
      }
      out.removeAll(keepingCapacity: true)
    }
  }

  /// Writes `buffer`, leaving in it whatever was not written.
  private func writeOut(_ buffer: inout [UInt8], nowMs: Int64) {
    let t0 = monotonicNanos()
    let written = buffer.withUnsafeBytes { file.write($0) }
    let t1 = monotonicNanos()
    // A write this slow means the disk is not keeping up: hold new lines back (and drop what
    // does not fit) for as long again, so the loop spends at most half its time stalled.
    if t1 - t0 > stallNanos { shedUntil = t1 + min(t1 - t0, maxSheddingNanos) }
    if written == buffer.count {
      buffer.removeAll(keepingCapacity: true)
    } else if written > 0 {
      buffer.removeFirst(written)
    }
  }

  private func drop(_ buffer: inout [UInt8]) {
    var n = 0
    for b in buffer where b == 0x0A { n += 1 }
    droppedLines += n
    unreported += n
    linesWritten -= n
    buffer.removeAll(keepingCapacity: true)
  }
}

/// CLOCK_MONOTONIC in nanoseconds (stall measurement).
func monotonicNanos() -> Int64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// CLOCK_REALTIME in epoch milliseconds (log timestamps).
public func wallClockMs() -> Int64 {
  var ts = timespec()
  clock_gettime(CLOCK_REALTIME, &ts)
  return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}
