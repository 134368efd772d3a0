#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// Thin, EINTR-safe wrappers over the system calls the store needs. Each failure becomes
/// `StoreError.system` carrying the call's name, the path and errno.
public enum FileIO {
  /// Retries a call while it fails with EINTR.
  @inline(__always)
  public static func retrying(_ body: () -> Int32) -> Int32 {
    while true {
      let r = body()
      if r == -1 && cprocctl_errno() == EINTR { continue }
      return r
    }
  }

  /// Reads a whole file; nil when it does not exist.
  public static func readFile(_ path: String) throws(StoreError) -> [UInt8]? {
    let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
    if fd < 0 {
      let e = cprocctl_errno()
      if e == ENOENT { return nil }
      throw .system(call: "open", path: path, errno: e)
    }
    defer { close(fd) }
    var st = stat()
    let expected = fstat(fd, &st) == 0 && st.st_size > 0 ? Int(st.st_size) : 0
    var failed: Int32 = 0
    // Straight into the result (no staging buffer, no copy); one byte more than the size fstat
    // gave, so a file that grew in the meantime is noticed and read on below.
    var out = [UInt8](unsafeUninitializedCapacity: expected + 1) { b, n in
      n = 0
      while n < b.count {
        let r = read(fd, b.baseAddress! + n, b.count - n)
        if r < 0 {
          if cprocctl_errno() == EINTR { continue }
          failed = cprocctl_errno()
          return
        }
        if r == 0 { return }
        n += r
      }
    }
    if failed != 0 { throw .system(call: "read", path: path, errno: failed) }
    if out.count <= expected { return out }
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if cprocctl_errno() == EINTR { continue }
        throw .system(call: "read", path: path, errno: cprocctl_errno())
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<n])
    }
    return out
  }

  /// Writes `bytes` to `path` atomically: `path.tmp.PID`, fsync, rename, fsync the directory.
  /// `durable: false` leaves out both fsyncs, for files whose meaning does not outlive a reboot
  /// (the rename alone is atomic for every reader and survives the writer being killed).
  public static func writeAtomically(
    _ bytes: [UInt8], to path: String, mode: mode_t = 0o600, durable: Bool = true
  ) throws(StoreError) {
    try bytes.withUnsafeBytes { b in
      Result { () throws(StoreError) in
        try writeAtomically(to: path, mode: mode, durable: durable) { write in write(b) }
      }
    }.get()
  }

  public static func writeAtomically(
    _ bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t = 0o600
  ) throws(StoreError) {
    try writeAtomically(to: path, mode: mode) { write in write(bytes) }
  }

  /// The same for bytes that `produce` hands to `write` piece by piece (a document written as
  /// it is encoded). The first failed write is what is thrown; the file is then left untouched.
  public static func writeAtomically(
    to path: String, mode: mode_t = 0o600, durable: Bool = true,
    _ produce: (_ write: @escaping (UnsafeRawBufferPointer) -> Void) -> Void
  ) throws(StoreError) {
    let tmp = "\(path).tmp.\(getpid())"
    let fd = retrying { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
    if fd < 0 { throw .system(call: "open", path: tmp, errno: cprocctl_errno()) }
    var ok = false
    defer {
      if !ok { unlink(tmp) }
    }
    do {
      defer { close(fd) }
      let failure = WriteFailure()
      produce { bytes in
        guard failure.error == nil else { return }
        do throws(StoreError) { try writeAll(fd, bytes, path: tmp) } catch { failure.error = error }
      }
      if let e = failure.error { throw e }
      if durable, retrying({ fsync(fd) }) != 0 {
        throw .system(call: "fsync", path: tmp, errno: cprocctl_errno())
      }
    }
    if rename(tmp, path) != 0 { throw .system(call: "rename", path: path, errno: cprocctl_errno()) }
    ok = true
    if durable { fsyncDirectory(of: path) }
  }

  public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
    try bytes.withUnsafeBytes { b in
      Result { () throws(StoreError) in try writeAll(fd, b, path: path) }
    }.get()
  }

  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String)
    throws(StoreError)
  {
    var off = 0
    while off < bytes.count {
      let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
      if n < 0 {
        if cprocctl_errno() == EINTR { continue }
        throw .system(call: "write", path: path, errno: cprocctl_errno())
      }
      off += n
    }
  }

  /// fsync of the directory holding `path`, so a rename survives a crash.
  public static func fsyncDirectory(of path: String) {
    let dir = directory(of: path)
    let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 {
      _ = retrying { fsync(dfd) }
      close(dfd)
    }
  }

  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// mkdir -p with `mode` for every directory created.
  public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(StoreError) {
    var st = stat()
    if stat(path, &st) == 0 { return }
    let parent = directory(of: path)
    if parent != path && parent != "/" && parent != "." { try makeDirectories(parent, mode: mode) }
    if mkdir(path, mode) != 0 && cprocctl_errno() != EEXIST {
      throw .system(call: "mkdir", path: path, errno: cprocctl_errno())
    }
  }

  public static func exists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
  }
}

/// An exclusive `flock` on a lock file; released when `unlock()` is called or the process exits.
public final class FileLock: Sendable {
  public let fd: Int32

  /// Blocks until the lock is held.
  public convenience init(path: String) throws(StoreError) {
    let fd = FileIO.retrying { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    if fd < 0 { throw .system(call: "open", path: path, errno: cprocctl_errno()) }
    if FileIO.retrying({ flock(fd, LOCK_EX) }) != 0 {
      let e = cprocctl_errno()
      close(fd)
      throw .system(call: "flock", path: path, errno: e)
    }
    self.init(fd: fd)
  }

  /// Tries once without blocking; nil when another process holds it.
  public static func tryLock(path: String) throws(StoreError) -> FileLock? {
    let fd = FileIO.retrying { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    if fd < 0 { throw .system(call: "open", path: path, errno: cprocctl_errno()) }
    if FileIO.retrying({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 {
      let e = cprocctl_errno()
      close(fd)
      if e == EWOULDBLOCK { return nil }
      throw .system(call: "flock", path: path, errno: e)
    }
    return FileLock(fd: fd)
  }

  private init(fd: Int32) { self.fd = fd }

  deinit { close(fd) }
}

/// The first error of a write made inside a non-throwing callback.
private final class WriteFailure {
  var error: StoreError?
}
