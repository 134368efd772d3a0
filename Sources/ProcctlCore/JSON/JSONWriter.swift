/// Writes JSON straight into one growable byte buffer: no intermediate tree, no Foundation.
/// Pretty output puts each member on its own line with two-space indentation.
///
/// Hot path of `list --json` and of every state-file write (1,000 processes: ~25,000 members):
/// keys are `StaticString`s copied as raw bytes, strings without characters to escape are
/// copied in one go, numbers and times are formatted in place, and the bytes live in a buffer
/// owned by the writer (with a sink, handed out 64 KiB at a time, never copied whole).
public struct JSONWriter {
  private let out: JSONByteBuffer
  public let pretty: Bool
  /// Containers nested deeper than this are written on one line even when `pretty`.
  public let prettyDepth: Int
  private var depth = 0
  /// Bit d: whether the container at depth d already has a member (so the next needs a comma).
  /// Depth beyond 63 is not supported (the state file nests 5 deep).
  private var hasMember: UInt64 = 0
  private var afterKey = false

  public init(pretty: Bool = true, prettyDepth: Int = .max, capacity: Int = 4096) {
    self.pretty = pretty
    self.prettyDepth = prettyDepth
    out = JSONByteBuffer(capacity: capacity)
  }

  /// A writer that hands its bytes to `sink` whenever its `chunk`-sized buffer fills, and the
  /// rest at `finish()`: a large document (`list --json` of 10,000 processes is 6 MB) then
  /// never sits in memory whole, which would cost a page fault per 4 KiB written.
  public init(
    pretty: Bool = true, prettyDepth: Int = .max, chunk: Int,
    sink: @escaping (UnsafeRawBufferPointer) -> Void
  ) {
    self.init(pretty: pretty, prettyDepth: prettyDepth, capacity: chunk)
    out.sink = sink
  }

  /// With a sink: ends the document with a newline and hands over what is still buffered.
  public mutating func finish() {
    out.append(10)
    out.flush()
  }

  /// The bytes written so far (a copy).
  public var bytes: [UInt8] { out.array(appendingNewline: false) }

  /// The document with a trailing newline (a copy; a writer with a sink avoids it).
  public var document: [UInt8] { out.array(appendingNewline: true) }

  @inline(__always)
  private mutating func separate() {
    if afterKey {
      afterKey = false
      return
    }
    let bit: UInt64 = 1 << UInt64(depth & 63)
    if hasMember & bit != 0 { out.append(UInt8(ascii: ",")) }
    hasMember |= bit
    if pretty && depth > 0 && depth <= prettyDepth { newline() }
  }

  private func newline() {
    let n = depth * 2
    out.reserve(n + 8)
    let p = out.base + out.count
    p.pointee = 10
    // Indentation eight spaces per store (the buffer has room past the end).
    var k = 0
    while k < n {
      UnsafeMutableRawPointer(p + 1 + k).storeBytes(of: 0x2020_2020_2020_2020 as UInt64, as: UInt64.self)
      k += 8
    }
    out.count += n + 1
  }

  public mutating func beginObject() { open(UInt8(ascii: "{")) }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray() { open(UInt8(ascii: "[")) }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  private mutating func open(_ c: UInt8) {
    separate()
    out.append(c)
    depth += 1
    hasMember &= ~(1 << UInt64(depth & 63))
  }

  private mutating func close(_ c: UInt8) {
    let had = hasMember & (1 << UInt64(depth & 63)) != 0
    depth -= 1
    if pretty && had && depth < prettyDepth { newline() }
    out.append(c)
  }

  /// A member's key: a name from the source, written as is (names need no escaping).
  public mutating func key(_ k: StaticString) {
    guard k.hasPointerRepresentation else { return key(data: k.description) }
    separate()
    let n = k.utf8CodeUnitCount
    let src = k.utf8Start
    out.reserve(n + 4)
    let p = out.base + out.count
    p[0] = 0x22
    var j = 0
    while j < n {
      p[1 + j] = src[j]
      j += 1
    }
    p[n + 1] = 0x22
    p[n + 2] = UInt8(ascii: ":")
    out.count += n + 3
    if pretty && depth <= prettyDepth {
      p[n + 3] = 0x20
      out.count += 1
    }
    afterKey = true
  }

  /// A member's key that is data (an environment variable's name, a parsed document's key).
  public mutating func key(data k: String) {
    separate()
    writeString(k)
    out.append(UInt8(ascii: ":"))
    if pretty && depth <= prettyDepth { out.append(0x20) }
    afterKey = true
  }

  public mutating func string(_ s: String) {
    separate()
    writeString(s)
  }

  public mutating func int(_ v: Int) {
    separate()
    appendDecimal(v)
  }

  public mutating func double(_ v: Double) {
    separate()
    if v.isFinite, v == v.rounded(), abs(v) < 1e15 {
      appendDecimal(Int(v))
    } else if v.isFinite {
      out.append(v.description)
    } else {
      out.append("null")
    }
  }

  public mutating func bool(_ v: Bool) {
    separate()
    out.append(v ? "true" : "false")
  }

  public mutating func null() {
    separate()
    out.append("null")
  }

  /// A time as an RFC 3339 UTC string with milliseconds, written without building a String.
  public mutating func timestamp(_ t: Timestamp) {
    separate()
    out.reserve(26)
    let p = out.base + out.count
    p[0] = 0x22
    t.fillRFC3339(p + 1)
    p[25] = 0x22
    out.count += 26
  }

  // Convenience members.
  public mutating func member(_ k: StaticString, _ v: String) {
    key(k)
    string(v)
  }
  public mutating func member(_ k: StaticString, _ v: Int) {
    key(k)
    int(v)
  }
  public mutating func member(_ k: StaticString, _ v: Bool) {
    key(k)
    bool(v)
  }
  public mutating func member(_ k: StaticString, _ t: Timestamp) {
    key(k)
    timestamp(t)
  }

  /// Writes the member only when `v` is not nil.
  public mutating func member(_ k: StaticString, ifPresent v: String?) {
    if let v { member(k, v) }
  }
  public mutating func member(_ k: StaticString, ifPresent v: Int?) {
    if let v { member(k, v) }
  }
  /// Writes `null` for nil.
  public mutating func member(_ k: StaticString, orNull v: String?) {
    key(k)
    if let v { string(v) } else { null() }
  }
  public mutating func member(_ k: StaticString, orNull v: Int?) {
    key(k)
    if let v { int(v) } else { null() }
  }

  /// Any parsed value, e.g. to pass through what a newer field held.
  public mutating func value(_ v: JSONValue) {
    switch v {
    case .null: null()
    case .bool(let b): bool(b)
    case .int(let n): int(n)
    case .double(let d): double(d)
    case .string(let s): string(s)
    case .array(let a):
      beginArray()
      for e in a { value(e) }
      endArray()
    case .object(let o):
      beginObject()
      for (k, e) in zip(o.keys, o.values) {
        key(data: k)
        value(e)
      }
      endObject()
    }
  }

  private func appendDecimal(_ v: Int) {
    out.reserve(20)
    var p = out.base + out.count
    if v < 0 {
      p.pointee = UInt8(ascii: "-")
      p += 1
      out.count += 1
    }
    var m = v.magnitude
    var n = 1
    var t = m
    while t >= 10 {
      t /= 10
      n += 1
    }
    var k = n - 1
    repeat {
      p[k] = UInt8(truncatingIfNeeded: 48 &+ m % 10)
      m /= 10
      k -= 1
    } while k >= 0
    out.count += n
  }

  private func writeString(_ s: String) {
    if let done = s.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0) }) {
      return done
    }
    var s = s
    s.withUTF8 { writeString(utf8: $0) }
  }

  /// Quotes and escapes UTF-8 bytes; runs without anything to escape are copied whole.
  private func writeString(utf8 u: UnsafeBufferPointer<UInt8>) {
    let n = u.count
    out.reserve(n + 2)
    var p = out.base + out.count
    p.pointee = 0x22
    p += 1
    guard let src = u.baseAddress else {
      p.pointee = 0x22
      out.count += 2
      return
    }
    var k = JSONScan.plainRun(src, from: 0, end: n)
    if k == n {
      if n <= 24 {
        for j in 0..<n { p[j] = src[j] }
      } else {
        p.update(from: src, count: n)
      }
      p[n] = 0x22
      out.count += n + 2
      return
    }
    out.count += 1
    var runStart = 0
    while k < n {
      let c = u[k]
      if c >= 0x20 && c != 0x22 && c != 0x5C {
        k += 1
        continue
      }
      if runStart < k { out.append(UnsafeBufferPointer(rebasing: u[runStart..<k])) }
      runStart = k + 1
      k += 1
      switch c {
      case 0x22: out.append(0x5C, 0x22)
      case 0x5C: out.append(0x5C, 0x5C)
      case 0x0A: out.append(0x5C, UInt8(ascii: "n"))
      case 0x0D: out.append(0x5C, UInt8(ascii: "r"))
      case 0x09: out.append(0x5C, UInt8(ascii: "t"))
      default:
        let hex: StaticString = "0123456789abcdef"
        let h = hex.utf8Start
        out.append(0x5C, UInt8(ascii: "u"))
        out.append(48, 48)
        out.append(h[Int(c >> 4)], h[Int(c & 15)])
      }
    }
    if runStart < n { out.append(UnsafeBufferPointer(rebasing: u[runStart..<n])) }
    out.append(0x22)
  }
}

/// The writer's bytes: one heap block that doubles when full.
final class JSONByteBuffer {
  var base: UnsafeMutablePointer<UInt8>
  var count = 0
  var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  @inline(__always)
  func reserve(_ n: Int) {
    if count + n > capacity { grow(count + n) }
  }

  /// Where full buffers go (nil: the buffer grows and keeps everything).
  var sink: ((UnsafeRawBufferPointer) -> Void)? = nil

  func flush() {
    guard let sink, count > 0 else { return }
    sink(UnsafeRawBufferPointer(start: base, count: count))
    count = 0
  }

  @inline(never)
  func grow(_ need: Int) {
    if sink != nil {
      let pending = need - count
      flush()
      if pending <= capacity { return }
    }
    let newCapacity = max(need, capacity * 2)
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    p.moveInitialize(from: base, count: count)
    base.deallocate()
    base = p
    capacity = newCapacity
  }

  @inline(__always)
  func append(_ c: UInt8) {
    reserve(1)
    base[count] = c
    count += 1
  }

  @inline(__always)
  func append(_ a: UInt8, _ b: UInt8) {
    reserve(2)
    base[count] = a
    base[count + 1] = b
    count += 2
  }

  func append(_ u: UnsafeBufferPointer<UInt8>) {
    reserve(u.count)
    (base + count).update(from: u.baseAddress!, count: u.count)
    count += u.count
  }

  func append(_ s: StaticString) {
    s.withUTF8Buffer { append($0) }
  }

  func append(_ s: String) {
    var s = s
    s.withUTF8 { append($0) }
  }

  func array(appendingNewline newline: Bool) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count + 1) { b, n in
      if count > 0 { b.baseAddress!.update(from: base, count: count) }
      n = count
      if newline {
        b[count] = 10
        n += 1
      }
    }
  }
}
