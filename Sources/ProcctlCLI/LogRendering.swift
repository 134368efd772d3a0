import ProcctlCore
import ProcctlSupervisor

/// How `procctl logs` and `procctl events` print records: text lines, or one JSON object per
/// line (`--json`), written without an encoder (a follow can print millions of lines).
enum LogRendering {
  /// `worker.2 | 2026-12-03T19:11:10.123Z stdout hello` (names padded to `width`).
  static func text(_ r: LogRecord, width: Int) -> String {
    var s = r.source
    if s.count < width { s += String(repeating: " ", count: width - s.count) }
    s += " | "
    s += r.timeMs == 0 ? "" : r.time.description + " "
    if !r.tag.isEmpty { s += r.tag + " " }
    s += r.text
    return s
  }

  /// `{"time":"...","app":"demo","process":"worker","instance":2,"name":"worker.2",
  /// "stream":"stdout","line":"hello"}`.
  static func json(_ r: LogRecord, app: String, process: String) -> String {
    "{\"time\":\(quote(r.time.description)),\"app\":\(quote(app)),\"process\":\(quote(process)),"
      + "\"instance\":\(r.instance),\"name\":\(quote(r.source)),\"stream\":\(quote(r.tag)),"
      + "\"line\":\(quote(r.text))}"
  }

  /// `2026-12-03T19:11:10.123Z demo worker.1 started pid 42`.
  static func eventText(_ r: LogRecord) -> String {
    (r.timeMs == 0 ? "" : r.time.description + " ") + r.tag + " " + r.text
  }

  /// `{"time":"...","app":"demo","message":"..."}` (app null for the supervisor's own events).
  static func eventJSON(_ r: LogRecord) -> String {
    "{\"time\":\(quote(r.time.description)),\"app\":\(r.tag == "-" ? "null" : quote(r.tag)),"
      + "\"message\":\(quote(r.text))}"
  }

  /// A JSON string literal.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  /// The longest `--since` duration: ten years back is "everything" for any log kept.
  static let sinceMaxMs = 3650 * 86_400_000

  /// `--since`: a duration back from now ("10m", "1h30m") or an RFC 3339 time.
  static func since(_ text: String, now: Timestamp) throws(CoreError) -> Int64 {
    if let t = Timestamp.parse(text) { return t.epochMs }
    do {
      let ms = try DurationSpec.parseMs(text, flag: "--since", maxMs: sinceMaxMs)
      return now.epochMs - Int64(ms)
    } catch {
      throw .invalid(
        "invalid --since \"\(text)\": use a duration such as 30s, 10m or 2h, or an RFC 3339 time such as 2026-12-03T19:00:00Z"
      )
    }
  }

  /// `-n`: 0 or more lines.
  static func lineCount(_ text: String?, flag: String = "-n") throws(CoreError) -> Int? {
    guard let text else { return nil }
    guard let n = Int(text), n >= 0, n <= 1_000_000 else {
      throw .invalid("invalid \(flag) \"\(text)\": use a number of lines from 0 to 1000000")
    }
    return n
  }
}
