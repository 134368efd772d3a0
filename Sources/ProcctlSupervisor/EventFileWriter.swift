import ProcctlCore

/// The supervisor's events in `logs/events.log`, rotated like instance logs.
///
/// Line format: `2026-12-03T19:11:10.123Z <app> <message>`, where `<app>` is the application
/// the event concerns, or `-` for the supervisor itself. `procctl events` reads it back.
/// Events are rare (starts, exits, restarts), so each is one `write`.
public final class EventFileWriter {
  let file: LogFile

  public init(path: String, rotation: LogRotation = .default) {
    file = LogFile(path: path, rotation: rotation)
  }

  public func record(_ message: String, app: String?, atMs nowMs: Int64 = wallClockMs()) {
    var line = Timestamp(epochMs: nowMs).description
    line += " "
    line += app ?? "-"
    line += " "
    // One event, one line.
    for c in message.unicodeScalars { line.unicodeScalars.append(c == "\n" ? " " : c) }
    line += "\n"
    var bytes = Array(line.utf8)
    if file.wouldOverflow(adding: bytes.count) { file.rotate() }
    bytes.withUnsafeMutableBytes { _ = file.write(UnsafeRawBufferPointer($0)) }
  }

  public func close() { file.close() }
}
