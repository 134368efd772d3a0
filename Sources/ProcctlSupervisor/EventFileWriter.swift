import ProcctlCore

/// The supervisor's events in `logs/events.log`, rotated like instance logs.
///
/// Line format: `2026-12-03T19:11:10.123Z <app> <message>`, where `<app>` is the application
/// the event concerns, or `-` for the supervisor itself. `procctl events` reads it back.
/// Lines wait in memory until `flush` (`EventLog` calls it once per loop iteration, or after
/// each event when not buffered): one `write` for a burst of events.
public final class EventFileWriter {
  let file: LogFile
  private var pending: [UInt8] = []

  public init(path: String, rotation: LogRotation = .default) {
    file = LogFile(path: path, rotation: rotation)
  }

  deinit { flush() }

  public func record(_ message: String, app: String?, atMs nowMs: Int64 = wallClockMs()) {
    pending += Timestamp(epochMs: nowMs).description.utf8
    pending.append(UInt8(ascii: " "))
    pending += (app ?? "-").utf8
    pending.append(UInt8(ascii: " "))
    // One event, one line.
    for b in message.utf8 { pending.append(b == UInt8(ascii: "\n") ? UInt8(ascii: " ") : b) }
    pending.append(UInt8(ascii: "\n"))
  }

  /// Writes the lines recorded since the last flush (rotating first when they would not fit).
  public func flush() {
    if pending.isEmpty { return }
    if file.wouldOverflow(adding: pending.count) { file.rotate() }
    pending.withUnsafeBytes { _ = file.write($0) }
    pending.removeAll(keepingCapacity: true)
  }

  public func close() {
    flush()
    file.close()
  }
}
