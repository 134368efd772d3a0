#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlStore

/// Follows log files in one directory as they grow (`procctl logs -f`, `procctl events -f`):
/// inotify on the directory wakes it on writes, creations and renames; each followed file is
/// read from where it was to its end. A rotation renames the file: the open descriptor still
/// reads the old file to its end, then the new file is opened from its start, so no line is
/// lost or repeated. New matching files (new instances) are followed from their start.
/// (If a file is rotated twice between two wake-ups, the middle file is skipped.)
public final class LogFollower {
  private struct Followed {
    var name: String
    var source: String
    var instance: Int
    var fd: Int32
    var inode: UInt
    var carry: [UInt8]
  }

  public let directory: String
  private let match: (String) -> (source: String, instance: Int)?
  private let filter: (LogRecord) -> Bool
  private var inotifyFd: Int32 = -1
  private var followed: [String: Followed] = [:]
  private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

  /// Starts following every file of `directory` that `match` accepts, from its current end.
  public init(
    directory: String, match: @escaping (String) -> (source: String, instance: Int)?,
    filter: @escaping (LogRecord) -> Bool = { _ in true }
  ) {
    self.directory = directory
    self.match = match
    self.filter = filter
    try? FileIO.makeDirectories(directory, mode: 0o755)
    inotifyFd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
    if inotifyFd >= 0 {
      let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE)
      _ = inotify_add_watch(inotifyFd, directory, mask)
    }
    for name in LogReader.fileNames(directory) { startFollowing(name, fromEnd: true) }
  }

  deinit {
    for f in followed.values { close(f.fd) }
    if inotifyFd >= 0 { close(inotifyFd) }
  }

  /// Follows a process's instances (`<process>.<N>.log`), or one of them.
  public static func instances(logsDir: String, app: String, process: String, instance: Int?)
    -> LogFollower
  {
    LogFollower(directory: LogReader.appDirectory(logsDir: logsDir, app: app)) { name in
      guard let n = LogReader.instance(ofFile: name, process: process),
        instance == nil || instance == n
      else { return nil }
      return ("\(process).\(n)", n)
    }
  }

  /// Follows `events.log`, optionally only one application's events.
  public static func events(logsDir: String, app: String?) -> LogFollower {
    LogFollower(
      directory: logsDir, match: { $0 == "events.log" ? ("events", 0) : nil },
      filter: { app == nil || $0.tag == app })
  }

  /// Where each instance's current file was when following started (for `LogReader.tail`'s
  /// `currentLimits`, so the tail and the follow neither overlap nor leave a gap).
  public var startOffsets: [Int: Int] {
    var out: [Int: Int] = [:]
    for f in followed.values {
      let off = lseek(f.fd, 0, SEEK_CUR)
      if off >= 0 { out[f.instance] = Int(off) }
    }
    return out
  }

  /// Waits up to `timeoutMs` (-1: forever) for changes and returns the new complete lines,
  /// in time order.
  public func poll(timeoutMs: Int32) -> [LogRecord] {
    var pfd = pollfd(fd: inotifyFd, events: Int16(POLLIN), revents: 0)
    let r = FileIO.retrying { Glibc.poll(&pfd, 1, timeoutMs) }
    if r <= 0 { return [] }
    // Drain the notifications: which new files appeared.
    var newNames: [String] = []
    while true {
      let n = buffer.withUnsafeMutableBytes { read(inotifyFd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      buffer.withUnsafeBytes { raw in
        var off = 0
        while off + 16 <= n {
          let mask = raw.loadUnaligned(fromByteOffset: off + 4, as: UInt32.self)
          let len = Int(raw.loadUnaligned(fromByteOffset: off + 12, as: UInt32.self))
          if len > 0 && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
            let nameBytes = UnsafeRawBufferPointer(rebasing: raw[(off + 16)..<(off + 16 + len)])
            newNames.append(String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self))
          }
          off += 16 + len
        }
      }
    }
    var out: [LogRecord] = []
    for name in followed.keys.sorted() { out += drain(name) }
    for name in newNames where followed[name] == nil {
      startFollowing(name, fromEnd: false)
      if followed[name] != nil { out += drain(name) }
    }
    return LogReader.merge(out, keepLast: nil)
  }

  /// Follows until `emit` returns false (the CLI never returns false: it runs until SIGINT).
  public func run(_ emit: ([LogRecord]) -> Bool) {
    while true {
      let recs = poll(timeoutMs: -1)
      if !emit(recs) { return }
    }
  }

  private func startFollowing(_ name: String, fromEnd: Bool) {
    guard let m = match(name) else { return }
    let path = directory + "/" + name
    let fd = FileIO.retrying { open(path, O_RDONLY | O_CLOEXEC) }
    if fd < 0 { return }
    var st = stat()
    fstat(fd, &st)
    if fromEnd { lseek(fd, 0, SEEK_END) }
    followed[name] = Followed(
      name: name, source: m.source, instance: m.instance, fd: fd, inode: UInt(st.st_ino),
      carry: [])
  }

  /// Reads the followed file to its end; after a rotation, also the new file from its start.
  private func drain(_ name: String) -> [LogRecord] {
    guard var f = followed[name] else { return [] }
    var out = readAvailable(&f)
    var st = stat()
    let path = directory + "/" + name
    if stat(path, &st) != 0 || UInt(st.st_ino) != f.inode {
      // Rotated (renamed away): the old descriptor was read to its end above.
      if !f.carry.isEmpty {
        out.append(
          LogRecord.parse(
            Substring(String(decoding: f.carry, as: UTF8.self)), source: f.source,
            instance: f.instance))
      }
      close(f.fd)
      followed[name] = nil
      // Rotated more than once since the last wake-up: read the files between ours and the
      // current one (x.log.k is ours now; x.log.(k-1) ... x.log.1 are newer and unread).
      var k = 1
      while stat("\(path).\(k)", &st) == 0 && UInt(st.st_ino) != f.inode { k += 1 }
      if stat("\(path).\(k)", &st) == 0 {
        var j = k - 1
        while j >= 1 {
          let fd = FileIO.retrying { open("\(path).\(j)", O_RDONLY | O_CLOEXEC) }
          if fd >= 0 {
            var g = Followed(
              name: name, source: f.source, instance: f.instance, fd: fd, inode: 0, carry: [])
            out += readAvailable(&g)
            close(fd)
          }
          j -= 1
        }
      }
      startFollowing(name, fromEnd: false)
      if var g = followed[name] {
        out += readAvailable(&g)
        followed[name] = g
      }
      return out.filter(filter)
    }
    followed[name] = f
    return out.filter(filter)
  }

  private func readAvailable(_ f: inout Followed) -> [LogRecord] {
    var out: [LogRecord] = []
    while true {
      let n = buffer.withUnsafeMutableBytes { read(f.fd, $0.baseAddress, $0.count) }
      if n < 0 && cprocctl_errno() == EINTR { continue }
      if n <= 0 { break }
      var start = 0
      for i in 0..<n where buffer[i] == 0x0A {
        var line = f.carry
        line.append(contentsOf: buffer[start..<i])
        f.carry.removeAll(keepingCapacity: true)
        out.append(
          LogRecord.parse(
            Substring(String(decoding: line, as: UTF8.self)), source: f.source,
            instance: f.instance))
        start = i + 1
      }
      f.carry.append(contentsOf: buffer[start..<n])
    }
    return out
  }
}
