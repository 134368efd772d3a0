#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlStore

/// An append-only file that rotates by renaming (never copy-and-truncate, so a reader that has
/// the old file open keeps reading it to its end and `logs -f` can follow the rename).
///
/// Opened (and created, with its directory) on the first write, not when the instance starts:
/// creating a file costs ~50 µs on ext4 here, so a burst of starts does not wait for 50 of
/// them, and an instance that never prints leaves no empty file.
final class LogFile {
  let path: String
  let rotation: LogRotation
  private(set) var fd: Int32 = -1
  /// Bytes in the current file.
  @exclusivity(unchecked) private(set) var size = 0
  /// errno of the last failed open or write (0: none).
  private(set) var lastError: Int32 = 0
  /// Tests: while true, every write fails with ENOSPC (a full disk).
  var simulateFullDisk = false

  init(path: String, rotation: LogRotation) {
    self.path = path
    self.rotation = rotation
  }

  deinit { if fd >= 0 { Glibc.close(fd) } }

  private func reopen() {
    triedOpen = true
    if fd >= 0 { Glibc.close(fd) }
    fd = FileIO.retrying { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
    if fd < 0 && cprocctl_errno() == ENOENT {
      try? FileIO.makeDirectories(FileIO.directory(of: path), mode: 0o755)
      fd = FileIO.retrying { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
    }
    if fd < 0 {
      lastError = cprocctl_errno()
      size = 0
      return
    }
    var st = stat()
    size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
  }

  /// Whether an open was tried since the file was last open: a file that cannot be opened is
  /// tried again once per `write` (a batch of lines), not once per line.
  private var triedOpen = false

  /// Opens (creates) the file now rather than at the first write.
  func openNow() { if fd < 0 { reopen() } }

  /// True when `n` more bytes would take a non-empty file past its maximum size (opening it
  /// first, once: an existing file's size counts).
  func wouldOverflow(adding n: Int) -> Bool {
    if fd < 0 && !triedOpen { reopen() }
    return size > 0 && size + n > rotation.maxBytes
  }

  /// `x.log.(N-2)` -> `x.log.(N-1)`, ..., `x.log` -> `x.log.1`, then a new `x.log`.
  func rotate() {
    if rotation.files <= 1 {
      unlink(path)
    } else {
      var i = rotation.files - 1
      while i >= 1 {
        let from = i == 1 ? path : "\(path).\(i - 1)"
        rename(from, "\(path).\(i)")
        i -= 1
      }
    }
    reopen()
  }

  /// Writes as much of `bytes` as the file takes; returns the number of bytes written.
  func write(_ bytes: UnsafeRawBufferPointer) -> Int {
    openNow()
    if fd < 0 { return 0 }
    if simulateFullDisk {
      lastError = ENOSPC
      return 0
    }
    var off = 0
    while off < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
      if n < 0 {
        let e = cprocctl_errno()
        if e == EINTR { continue }
        lastError = e
        break
      }
      if n == 0 { break }
      off += n
    }
    size += off
    return off
  }

  func close() {
    if fd >= 0 { Glibc.close(fd) }
    fd = -1
  }
}
