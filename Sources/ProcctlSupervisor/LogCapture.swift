#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlStore

/// Captures instances' stdout and stderr through pipes that the supervisor's loop reads, and
/// hands each chunk to the instance's `LogWriter`.
///
/// Fairness: each readiness event reads one chunk (at most 128 KiB) from one pipe, then the
/// loop moves on (epoll is level-triggered, so the rest is read on the next turn). An instance
/// that floods its output therefore shares the loop with reaping, restarts and the other
/// instances' logs; when the supervisor cannot keep up, the pipe fills and the flooding instance
/// blocks on its own writes (backpressure), not the supervisor.
public final class LogCapture {
  /// Registers a read handler for a descriptor on the loop / removes it.
  public typealias Watch = (Int32, @escaping () -> Void) -> Bool
  public typealias Unwatch = (Int32) -> Void

  private struct Reader {
    var key: String
    var stream: LogWriter.Stream
  }

  private let logsDir: String
  private let watch: Watch
  private let unwatch: Unwatch
  private var writers: [String: LogWriter] = [:]
  private var rotations: [String: LogRotation] = [:]
  /// Read end -> which instance and stream it carries.
  private var readers: [Int32: Reader] = [:]
  /// Read ends waiting for `spawnFinished` (key -> stdout, stderr).
  private var pendingReads: [String: (Int32, Int32)] = [:]
  private var buffer = [UInt8](repeating: 0, count: 128 * 1024)
  /// Bigger pipes mean fewer wake-ups for chatty instances. 256 KiB keeps 50 instances' 100
  /// pipes under an unprivileged user's default pipe-user-pages-soft (64 MiB), past which the
  /// kernel hands out one-page pipes.
  public static let pipeSize: Int32 = 256 * 1024
  /// Most chunks read from one pipe in one go when an instance ends (more than a full pipe).
  static let drainChunks = 8

  public init(logsDir: String, watch: @escaping Watch, unwatch: @escaping Unwatch) {
    self.logsDir = logsDir
    self.watch = watch
    self.unwatch = unwatch
  }

  public static func key(app: String, process: String, index: Int) -> String {
    "\(app)/\(process)/\(index)"
  }

  public func path(app: String, process: String, index: Int) -> String {
    LogReader.instancePath(logsDir: logsDir, app: app, process: process, instance: index)
  }

  /// The writer of an instance (created on first use; re-created when its rotation changed).
  public func writer(app: String, process: String, index: Int, rotation: LogRotation) -> LogWriter {
    let k = Self.key(app: app, process: process, index: index)
    if let w = writers[k], rotations[k] == rotation { return w }
    writers[k]?.close(atMs: wallClockMs())
    let w = LogWriter(path: path(app: app, process: process, index: index), rotation: rotation)
    writers[k] = w
    rotations[k] = rotation
    return w
  }

  /// Creates the stdout and stderr pipes for the next process of an instance; returns the
  /// write ends for the child (close-on-exec: the spawn's dup2 to fds 1 and 2 clears it).
  public func open(app: String, process: String, index: Int, rotation: LogRotation)
    throws(StoreError) -> (stdout: Int32, stderr: Int32)
  {
    let k = Self.key(app: app, process: process, index: index)
    _ = writer(app: app, process: process, index: index, rotation: rotation)
    var out: [Int32] = [-1, -1]
    var err: [Int32] = [-1, -1]
    if Self.cloexecPipe(&out) != 0 {
      throw .system(call: "pipe2", path: path(app: app, process: process, index: index), errno: cprocctl_errno())
    }
    if Self.cloexecPipe(&err) != 0 {
      let e = cprocctl_errno()
      close(out[0])
      close(out[1])
      throw .system(call: "pipe2", path: path(app: app, process: process, index: index), errno: e)
    }
    for fd in [out[0], err[0]] {
      // A new pipe's read end has no status flags but O_RDONLY: no F_GETFL needed.
      _ = fcntl(fd, F_SETFL, O_RDONLY | O_NONBLOCK)
      _ = fcntl(fd, 1031 /* F_SETPIPE_SZ */, Self.pipeSize)
    }
    pendingReads[k] = (out[0], err[0])
    return (out[1], err[1])
  }

  /// A pipe with both ends close-on-exec, in one call (pipe2 O_CLOEXEC, through the C shim:
  /// pipe2 is not visible to Swift without _GNU_SOURCE).
  static func cloexecPipe(_ fds: inout [Int32]) -> Int32 {
    fds.withUnsafeMutableBufferPointer { cprocctl_pipe_cloexec($0.baseAddress) }
  }

  /// The spawn is over: the write ends belong to the child now (or to nobody, when it failed).
  public func spawnFinished(app: String, process: String, index: Int, stdout: Int32, stderr: Int32, started: Bool) {
    let k = Self.key(app: app, process: process, index: index)
    close(stdout)
    if stderr != stdout { close(stderr) }
    guard let (r1, r2) = pendingReads.removeValue(forKey: k) else { return }
    if !started {
      close(r1)
      close(r2)
      return
    }
    for (fd, stream) in [(r1, LogWriter.Stream.stdout), (r2, .stderr)] {
      readers[fd] = Reader(key: k, stream: stream)
      if !watch(fd, { [unowned self] in self.readable(fd) }) {
        readers[fd] = nil
        close(fd)
      }
    }
  }

  /// The instance's process was reaped: read what it wrote before dying (it is all in the
  /// pipes now) and write its partial last lines. Pipes that a surviving child still holds
  /// stay watched until it closes them.
  public func exited(app: String, process: String, index: Int) {
    let k = Self.key(app: app, process: process, index: index)
    for (fd, r) in readers where r.key == k {
      // Bounded: a process that escaped the instance could keep the pipe full forever.
      var chunks = 0
      while readers[fd] != nil && chunks < Self.drainChunks && readOnce(fd) { chunks += 1 }
    }
    let now = wallClockMs()
    writers[k]?.endOfStream(.stdout, atMs: now)
    writers[k]?.endOfStream(.stderr, atMs: now)
  }

  /// Closes an instance's writer once it is gone for good (scaled down, deleted).
  public func remove(app: String, process: String, index: Int) {
    let k = Self.key(app: app, process: process, index: index)
    for (fd, r) in readers where r.key == k {
      var chunks = 0
      while readers[fd] != nil && chunks < Self.drainChunks && readOnce(fd) { chunks += 1 }
      if readers[fd] != nil { finish(fd) }
    }
    writers.removeValue(forKey: k)?.close(atMs: wallClockMs())
    rotations[k] = nil
  }

  /// At exit: reads what is left, closes every pipe and writer.
  public func closeAll() {
    for fd in Array(readers.keys) {
      var chunks = 0
      while readers[fd] != nil && chunks < Self.drainChunks && readOnce(fd) { chunks += 1 }
      if readers[fd] != nil { finish(fd) }
    }
    let now = wallClockMs()
    for w in writers.values { w.close(atMs: now) }
    writers.removeAll()
  }

  /// The loop says `fd` is readable: one chunk, then back to the loop.
  func readable(_ fd: Int32) { _ = readOnce(fd) }

  /// Reads one chunk; returns true when more may be waiting.
  private func readOnce(_ fd: Int32) -> Bool {
    guard let r = readers[fd] else { return false }
    let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
    if n > 0 {
      let now = wallClockMs()
      buffer.withUnsafeBytes { raw in
        writers[r.key]?.append(UnsafeRawBufferPointer(rebasing: raw[0..<n]), from: r.stream, atMs: now)
      }
      return n == buffer.count
    }
    if n < 0 {
      let e = cprocctl_errno()
      if e == EINTR { return true }
      if e == EAGAIN || e == EWOULDBLOCK { return false }
    }
    finish(fd)  // EOF (or a read error): every writer of the pipe is gone
    return false
  }

  private func finish(_ fd: Int32) {
    guard let r = readers.removeValue(forKey: fd) else { return }
    unwatch(fd)
    close(fd)
    writers[r.key]?.endOfStream(r.stream, atMs: wallClockMs())
  }
}
