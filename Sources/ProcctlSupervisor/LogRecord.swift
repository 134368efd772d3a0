import ProcctlCore

/// One line read back from a log file: `<time> <tag> <text>`. For instance logs the tag is the
/// stream (`stdout`, `stderr`, `procctl`); for `events.log` it is the application (`-` for the
/// supervisor itself).
public struct LogRecord: Sendable, Equatable {
  public var timeMs: Int64
  /// Where it came from: the instance name ("worker.2") or "events".
  public var source: String
  /// Instance number for instance logs (0 for events), used to order equal timestamps.
  public var instance: Int
  public var tag: String
  public var text: String

  public init(timeMs: Int64, source: String, instance: Int, tag: String, text: String) {
    self.timeMs = timeMs
    self.source = source
    self.instance = instance
    self.tag = tag
    self.text = text
  }

  public var time: Timestamp { Timestamp(epochMs: timeMs) }

  /// Parses one line (without its newline). Lines that do not start with a timestamp (a file
  /// edited by hand) are kept, with time 0 so they sort first.
  public static func parse(_ line: Substring, source: String, instance: Int) -> LogRecord {
    let u = line.utf8
    // Fast path for the writer's own format: 24-byte timestamp, space, tag, space, text.
    if u.count >= 25, let ms = parseTime(line.prefix(24)),
      u[u.index(u.startIndex, offsetBy: 24)] == 0x20
    {
      let rest = line.dropFirst(25)
      if let space = rest.firstIndex(of: " ") {
        return LogRecord(
          timeMs: ms, source: source, instance: instance, tag: String(rest[..<space]),
          text: String(rest[rest.index(after: space)...]))
      }
      return LogRecord(timeMs: ms, source: source, instance: instance, tag: String(rest), text: "")
    }
    return LogRecord(timeMs: 0, source: source, instance: instance, tag: "", text: String(line))
  }

  /// "2026-12-03T19:11:10.123Z" -> epoch ms, without allocating.
  static func parseTime(_ s: Substring) -> Int64? {
    var d: [Int] = []
    d.reserveCapacity(7)
    var v = 0
    var digits = 0
    var i = 0
    for c in s.utf8 {
      switch i {
      case 4, 7: if c != 0x2D { return nil }
      case 10: if c != 0x54 { return nil }
      case 13, 16: if c != 0x3A { return nil }
      case 19: if c != 0x2E { return nil }
      case 23: if c != 0x5A { return nil }
      default:
        guard c >= 0x30 && c <= 0x39 else { return nil }
        v = v * 10 + Int(c - 0x30)
        digits += 1
      }
      if i == 3 || i == 6 || i == 9 || i == 12 || i == 15 || i == 18 || i == 22 {
        d.append(v)
        v = 0
      }
      i += 1
    }
    guard i == 24, d.count == 7, (1...12).contains(d[1]), (1...31).contains(d[2]) else {
      return nil
    }
    let days = CivilTime.daysFromCivil(d[0], d[1], d[2])
    let secs = Int64(days) * 86400 + Int64(d[3] * 3600 + d[4] * 60 + d[5])
    return secs * 1000 + Int64(d[6])
  }
}
