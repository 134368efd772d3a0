#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlStore

/// The few file operations cgroup filesystems need: small reads and writes of control files,
/// mkdir/rmdir of groups, listing child groups. cgroupfs reports errors at `write(2)` time (EBUSY,
/// EINVAL), so each write is one `write` call whose errno is kept in the thrown error.
enum CgroupFiles {
  /// The contents of a small control file, or nil when it cannot be read.
  static func read(_ path: String) -> String? {
    let fd = FileIO.retrying { open(path, O_RDONLY | O_CLOEXEC) }
    if fd < 0 { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if cprocctl_errno() == EINTR { continue }
        return nil
      }
      if n == 0 { break }
      out.append(contentsOf: buf[0..<n])
      if out.count > 1 << 20 { break }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Writes `text` to a control file in one `write` call.
  static func write(_ path: String, _ text: String) throws(StoreError) {
    let fd = FileIO.retrying { open(path, O_WRONLY | O_CLOEXEC) }
    if fd < 0 { throw .system(call: "open", path: path, errno: cprocctl_errno()) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    while true {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        let e = cprocctl_errno()
        if e == EINTR { continue }
        throw .system(call: "write", path: path, errno: e)
      }
      return
    }
  }

  /// mkdir that accepts an existing directory. Returns true when it created the directory.
  @discardableResult
  static func makeDirectory(_ path: String) throws(StoreError) -> Bool {
    if mkdir(path, 0o755) == 0 { return true }
    let e = cprocctl_errno()
    if e != EEXIST { throw .system(call: "mkdir", path: path, errno: e) }
    return false
  }

  /// rmdir; returns 0 or the errno (ENOENT counts as success).
  static func removeDirectory(_ path: String) -> Int32 {
    if rmdir(path) == 0 { return 0 }
    let e = cprocctl_errno()
    return e == ENOENT ? 0 : e
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// Names of the subdirectories of `path` (child cgroups), sorted.
  static func subdirectories(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let type = entry.pointee.d_type
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name == "." || name == ".." { continue }
      if type == UInt8(DT_DIR) || (type == UInt8(DT_UNKNOWN) && isDirectory(path + "/" + name)) {
        names.append(name)
      }
    }
    return names.sorted()
  }

  /// The pids listed in a `cgroup.procs` file.
  static func pids(_ procsFile: String) -> [pid_t] {
    guard let text = read(procsFile) else { return [] }
    return text.split(separator: "\n").compactMap { pid_t($0) }
  }

  /// Reads `key value` lines (memory.events, cpu.stat, memory.oom_control) into a dictionary.
  static func keyed(_ path: String) -> [String: Int] {
    guard let text = read(path) else { return [:] }
    var out: [String: Int] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2, let v = Int(parts[1]) { out[String(parts[0])] = v }
    }
    return out
  }

  /// A single integer file ("123\n"), or nil ("max" or unreadable).
  static func integer(_ path: String) -> Int? {
    guard let text = read(path) else { return nil }
    return Int(text.split(separator: "\n").first ?? "")
  }

  /// Sleeps a short while: used only in bounded waits for the kernel to finish an action
  /// (freezing, tasks leaving a group) where no event exists to wait on.
  static func pause(microseconds: Int) {
    var ts = timespec(tv_sec: 0, tv_nsec: microseconds * 1000)
    var rest = timespec()
    while nanosleep(&ts, &rest) != 0 && cprocctl_errno() == EINTR { ts = rest }
  }
}
