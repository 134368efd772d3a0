#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore

/// Reads and writes the supervisor's runtime status file (`status.json`).
///
/// Writes are atomic (temporary file, rename) but not fsynced: the file describes live
/// processes, so after a crash of the machine it is meaningless anyway, and an fsync per state
/// change would cost milliseconds in a crash loop.
public struct StatusStore: Sendable {
  public let paths: StatePaths

  public init(paths: StatePaths) { self.paths = paths }

  /// The status file as written, or nil when there is none (no supervisor ran, or it stopped
  /// cleanly) or it does not parse.
  public func read() -> SupervisorStatus? {
    guard let bytes = try? FileIO.readFile(paths.statusFile), !bytes.isEmpty else { return nil }
    return try? SupervisorStatus.decode(json: bytes)
  }

  /// The status of the supervisor that is running now: nil when the file is missing or the
  /// process that wrote it is gone (pid and start time checked, so a reused pid does not count).
  public func readLive() -> SupervisorStatus? {
    guard let s = read(), ProcStat.startTicks(pid: s.pid) == s.procStartTicks else { return nil }
    return s
  }

  public func write(_ status: SupervisorStatus) throws(StoreError) {
    let bytes = status.fileBytes()
    let tmp = paths.statusFile + ".tmp"
    let fd = FileIO.retrying { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
    if fd < 0 { throw .system(call: "open", path: tmp, errno: cprocctl_errno()) }
    do {
      defer { close(fd) }
      try FileIO.writeAll(fd, bytes, path: tmp)
    }
    if rename(tmp, paths.statusFile) != 0 {
      throw .system(call: "rename", path: paths.statusFile, errno: cprocctl_errno())
    }
  }

  public func remove() { unlink(paths.statusFile) }
}

/// `/proc/PID/stat` fields: the identity of a process over time.
public enum ProcStat {
  /// Field 22 (starttime, clock ticks after boot); nil when the process does not exist.
  public static func startTicks(pid: Int32) -> UInt64? {
    guard pid > 0 else { return nil }
    // One read into a small stack buffer: a stat line is a few hundred bytes, and this runs
    // for every process the supervisor starts.
    let fd = FileIO.retrying { open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC) }
    if fd < 0 { return nil }
    defer { close(fd) }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buf -> UInt64? in
      var count = 0
      while count < buf.count {
        let n = read(fd, buf.baseAddress! + count, buf.count - count)
        if n < 0 && cprocctl_errno() == EINTR { continue }
        if n <= 0 { break }
        count += n
      }
      return parseStartTicks(UnsafeBufferPointer(rebasing: buf[0..<count]))
    }
  }

  /// Field 22 of a /proc/PID/stat line.
  static func parseStartTicks(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    // The command name (field 2) may contain spaces and ')': parse after the last ')'.
    guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
    var field = 2
    var value: UInt64 = 0
    var i = close + 1
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: " ") {
        if field == 22 { return value }
        field += 1
        value = 0
      } else if field == 22, c >= 48, c <= 57 {
        value = value * 10 + UInt64(c - 48)
      }
      i += 1
    }
    return field == 22 ? value : nil
  }
}
