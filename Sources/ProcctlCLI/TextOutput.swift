#if canImport(Glibc)
  import Glibc
#endif

/// A buffered text sink: a file descriptor (stdout, stderr) or, for tests, memory. Output is
/// written in one go at `flush()` so a 1,000-row table costs one write(2).
public final class TextOutput {
  public let fd: Int32
  public private(set) var buffer: [UInt8] = []

  /// `fd` -1 keeps everything in `buffer` (tests).
  public init(fd: Int32) { self.fd = fd }

  public func write(_ s: String) { buffer.append(contentsOf: s.utf8) }
  /// Into an empty buffer the array is taken as is (shared, not copied): `list --json` of
  /// 1,000 processes is ~700 KB.
  public func write(bytes: [UInt8]) {
    if buffer.isEmpty { buffer = bytes } else { buffer.append(contentsOf: bytes) }
  }
  /// Bytes the caller owns: written to the descriptor at once when nothing is buffered (no copy
  /// of a large `--json` document), else buffered behind what came before.
  public func write(raw bytes: UnsafeRawBufferPointer) {
    if fd >= 0 && buffer.isEmpty {
      writeAll(bytes)
    } else {
      buffer.append(contentsOf: bytes)
    }
  }

  public func line(_ s: String = "") {
    write(s)
    buffer.append(10)
  }

  /// The text written so far (tests).
  public var text: String { String(decoding: buffer, as: UTF8.self) }

  public func flush() {
    guard fd >= 0, !buffer.isEmpty else { return }
    buffer.withUnsafeBytes { writeAll($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer) {
    var off = 0
    while off < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
      if n < 0 {
        if errno == EINTR { continue }
        break  // EPIPE and the like: the reader is gone; nothing sensible to do
      }
      off += n
    }
  }

  /// True when the descriptor is a terminal.
  public var isTerminal: Bool { fd >= 0 && isatty(fd) == 1 }
}
