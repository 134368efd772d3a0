#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore
import ProcctlStore

/// Reads instance logs and the events log back: the last lines of all instances of a process,
/// merged in time order (`procctl logs`), and the last events (`procctl events`).
public enum LogReader {
  /// `logs/<app>`.
  public static func appDirectory(logsDir: String, app: String) -> String { "\(logsDir)/\(app)" }

  /// `logs/<app>/<process>.<instance>.log`.
  public static func instancePath(logsDir: String, app: String, process: String, instance: Int)
    -> String
  {
    "\(logsDir)/\(app)/\(process).\(instance).log"
  }

  /// The instance number when `file` is `<process>.<N>.log` (the current file), else nil.
  public static func instance(ofFile file: String, process: String) -> Int? {
    let prefix = process + "."
    guard file.hasPrefix(prefix), file.hasSuffix(".log") else { return nil }
    let middle = file.dropFirst(prefix.count).dropLast(4)
    guard !middle.isEmpty, middle.allSatisfy(\.isASCII), let n = Int(middle), n > 0 else {
      return nil
    }
    return n
  }

  /// The instances that have a log (current or rotated), sorted.
  public static func instances(logsDir: String, app: String, process: String) -> [Int] {
    var found = Set<Int>()
    for name in fileNames(appDirectory(logsDir: logsDir, app: app)) {
      var base = Substring(name)
      // Strip a rotation suffix: "worker.2.log.3" -> "worker.2.log".
      if let dot = base.lastIndex(of: "."), base[base.index(after: dot)...].allSatisfy(\.isNumber),
        base[..<dot].hasSuffix(".log")
      {
        base = base[..<dot]
      }
      if let n = instance(ofFile: String(base), process: process) { found.insert(n) }
    }
    return found.sorted()
  }

  /// An instance's files, newest first: `x.log`, `x.log.1`, `x.log.2`, ... (those that exist).
  public static func files(ofCurrent path: String) -> [String] {
    var out: [String] = []
    if FileIO.exists(path) { out.append(path) }
    var i = 1
    while FileIO.exists("\(path).\(i)") {
      out.append("\(path).\(i)")
      i += 1
    }
    return out
  }

  /// The last lines of a process's instances (or one instance), merged in time order: at most
  /// `lines` of them (nil: no count limit), only those at or after `sinceMs` (nil: all).
  /// `currentLimits` bounds how far each instance's current file is read (the offsets a
  /// follower starts from, so nothing is printed twice).
  public static func tail(
    logsDir: String, app: String, process: String, instance: Int? = nil, lines: Int?,
    sinceMs: Int64?, currentLimits: [Int: Int] = [:]
  ) -> [LogRecord] {
    let which = instance.map { [$0] } ?? instances(logsDir: logsDir, app: app, process: process)
    var all: [LogRecord] = []
    for n in which {
      let path = instancePath(logsDir: logsDir, app: app, process: process, instance: n)
      all += lastRecords(
        files: files(ofCurrent: path), source: "\(process).\(n)", instance: n, lines: lines,
        sinceMs: sinceMs, firstFileLimit: currentLimits[n])
    }
    return merge(all, keepLast: lines)
  }

  /// The last events, optionally of one application.
  public static func events(logsDir: String, app: String?, lines: Int?, sinceMs: Int64? = nil)
    -> [LogRecord]
  {
    let recs = lastRecords(
      files: files(ofCurrent: logsDir + "/events.log"), source: "events", instance: 0,
      lines: lines, sinceMs: sinceMs, firstFileLimit: nil, filter: { r in app == nil || r.tag == app })
    return merge(recs, keepLast: lines)
  }

  /// Stable sort by time (then instance), keeping the last `keepLast`.
  public static func merge(_ records: [LogRecord], keepLast: Int?) -> [LogRecord] {
    let sorted = records.enumerated().sorted { a, b in
      if a.element.timeMs != b.element.timeMs { return a.element.timeMs < b.element.timeMs }
      if a.element.instance != b.element.instance {
        return a.element.instance < b.element.instance
      }
      return a.offset < b.offset
    }.map(\.element)
    if let n = keepLast, sorted.count > n { return Array(sorted.suffix(n)) }
    return sorted
  }

  /// Reads `files` (newest first) from the end until `lines` records (that pass `filter`) are
  /// found or a record older than `sinceMs` is reached. Returns them oldest first.
  static func lastRecords(
    files: [String], source: String, instance: Int, lines: Int?, sinceMs: Int64?,
    firstFileLimit: Int?, filter: (LogRecord) -> Bool = { _ in true }
  ) -> [LogRecord] {
    var newestFirst: [LogRecord] = []
    if lines == 0 { return [] }
    for (i, file) in files.enumerated() {
      var done = false
      readLinesBackwards(file, limit: i == 0 ? firstFileLimit : nil) { line in
        let r = LogRecord.parse(line, source: source, instance: instance)
        if let s = sinceMs, r.timeMs < s {
          done = true
          return false
        }
        if filter(r) { newestFirst.append(r) }
        if let n = lines, newestFirst.count >= n {
          done = true
          return false
        }
        return true
      }
      if done { break }
    }
    return newestFirst.reversed()
  }

  /// Calls `body` with each line of the file from the last to the first (without newlines),
  /// reading 64 KiB blocks from the end; stops when `body` returns false. `limit` reads only
  /// the first `limit` bytes.
  static func readLinesBackwards(_ path: String, limit: Int?, _ body: (Substring) -> Bool) {
    let fd = FileIO.retrying { open(path, O_RDONLY | O_CLOEXEC) }
    if fd < 0 { return }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return }
    var pos = Int(st.st_size)
    if let limit { pos = min(pos, limit) }
    let block = 64 * 1024
    var carry: [UInt8] = []  // the start of a line whose beginning is in an earlier block
    var buf = [UInt8](repeating: 0, count: block)
    var first = true
    while pos > 0 {
      let start = max(0, pos - block)
      let want = pos - start
      var got = 0
      while got < want {
        let n = buf.withUnsafeMutableBytes {
          pread(fd, $0.baseAddress! + got, want - got, off_t(start + got))
        }
        if n < 0 && cprocctl_errno() == EINTR { continue }
        if n <= 0 { return }
        got += n
      }
      var chunk = Array(buf[0..<want])
      chunk += carry
      // A file normally ends with a newline; ignore the empty piece after it.
      if first, chunk.last == 0x0A { chunk.removeLast() }
      first = false
      var end = chunk.count
      var i = chunk.count - 1
      while i >= 0 {
        if chunk[i] == 0x0A {
          let line = String(decoding: chunk[(i + 1)..<end], as: UTF8.self)
          if !body(Substring(line)) { return }
          end = i
        }
        i -= 1
      }
      carry = Array(chunk[0..<end])
      pos = start
    }
    if !carry.isEmpty { _ = body(Substring(String(decoding: carry, as: UTF8.self))) }
  }

  static func fileNames(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
