#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// `procctl restart --instance N` asks the running supervisor through a small file in the run
/// directory: `run/<pid>-<n>.request` holding "app\nprocess\ninstance\n". It is written under a
/// temporary name and renamed, so the supervisor's inotify watch sees it complete (IN_MOVED_TO);
/// the supervisor deletes it once handled, which is the acknowledgement.
public struct RestartRequest: Sendable, Equatable {
  public var app: String
  public var process: String
  public var instance: Int

  public init(app: String, process: String, instance: Int) {
    self.app = app
    self.process = process
    self.instance = instance
  }

  /// Writes the request; returns its path (gone once the supervisor has handled it).
  public func submit(paths: StatePaths) throws(StoreError) -> String {
    try FileIO.makeDirectories(paths.runDir)
    let base = "\(paths.runDir)/\(getpid())-\(cprocctl_realtime_ms())"
    let bytes = Array("\(app)\n\(process)\n\(instance)\n".utf8)
    let tmp = base + ".tmp"
    let fd = FileIO.retrying { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
    if fd < 0 { throw .system(call: "open", path: tmp, errno: cprocctl_errno()) }
    do {
      defer { close(fd) }
      try FileIO.writeAll(fd, bytes, path: tmp)
    }
    let path = base + ".request"
    if rename(tmp, path) != 0 { throw .system(call: "rename", path: path, errno: cprocctl_errno()) }
    return path
  }

  public static func read(path: String) -> RestartRequest? {
    guard let bytes = try? FileIO.readFile(path) else { return nil }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    guard lines.count >= 3, let n = Int(lines[2]) else { return nil }
    return RestartRequest(app: lines[0], process: lines[1], instance: n)
  }

  /// Names of request files waiting in the run directory.
  public static func pending(in paths: StatePaths) -> [String] {
    guard let dir = opendir(paths.runDir) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasSuffix(".request") { names.append(name) }
    }
    return names
  }
}
