/// Writes JSON straight into a byte buffer: no intermediate tree, no Foundation. Pretty output
/// puts each member on its own line with two-space indentation.
public struct JSONWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
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
    bytes.reserveCapacity(capacity)
  }

  private mutating func separate() {
    if afterKey {
      afterKey = false
      return
    }
    let bit: UInt64 = 1 << UInt64(depth & 63)
    if hasMember & bit != 0 { bytes.append(UInt8(ascii: ",")) }
    hasMember |= bit
    if pretty && depth > 0 && depth <= prettyDepth { newline() }
  }

  private mutating func newline() {
    bytes.append(10)
    let n = depth * 2
    if n <= JSONWriter.spaces.count {
      bytes.append(contentsOf: JSONWriter.spaces[0..<n])
    } else {
      bytes.append(contentsOf: repeatElement(0x20, count: n))
    }
  }

  public mutating func beginObject() { open(UInt8(ascii: "{")) }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray() { open(UInt8(ascii: "[")) }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  private mutating func open(_ c: UInt8) {
    separate()
    bytes.append(c)
    depth += 1
    hasMember &= ~(1 << UInt64(depth & 63))
  }

  private mutating func close(_ c: UInt8) {
    let had = hasMember & (1 << UInt64(depth & 63)) != 0
    depth -= 1
    if pretty && had && depth < prettyDepth { newline() }
    bytes.append(c)
  }

  public mutating func key(_ k: String) {
    separate()
    writeString(k)
    bytes.append(UInt8(ascii: ":"))
    if pretty && depth <= prettyDepth { bytes.append(0x20) }
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
      bytes.append(contentsOf: Array(v.description.utf8))
    } else {
      bytes.append(contentsOf: Array("null".utf8))
    }
  }

  public mutating func bool(_ v: Bool) {
    separate()
    bytes.append(contentsOf: v ? Array("true".utf8) : Array("false".utf8))
  }

  public mutating func null() {
    separate()
    bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
  }

  // Convenience members.
  public mutating func member(_ k: String, _ v: String) {
    key(k)
    string(v)
  }
  public mutating func member(_ k: String, _ v: Int) {
    key(k)
    int(v)
  }
  public mutating func member(_ k: String, _ v: Bool) {
    key(k)
    bool(v)
  }
  /// A time as an RFC 3339 UTC string with milliseconds, written without building a String.
  public mutating func member(_ k: String, _ t: Timestamp) {
    key(k)
    separate()
    bytes.append(0x22)
    t.appendRFC3339(to: &bytes)
    bytes.append(0x22)
  }

  /// Writes the member only when `v` is not nil.
  public mutating func member(_ k: String, ifPresent v: String?) {
    if let v { member(k, v) }
  }
  public mutating func member(_ k: String, ifPresent v: Int?) {
    if let v { member(k, v) }
  }
  /// Writes `null` for nil.
  public mutating func member(_ k: String, orNull v: String?) {
    key(k)
    if let v { string(v) } else { null() }
  }
  public mutating func member(_ k: String, orNull v: Int?) {
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
        key(k)
        value(e)
      }
      endObject()
    }
  }

  /// The document with a trailing newline.
  public var document: [UInt8] { bytes + [10] }

  private mutating func appendDecimal(_ v: Int) {
    if v == 0 {
      bytes.append(48)
      return
    }
    if v < 0 { bytes.append(UInt8(ascii: "-")) }
    var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    var m = v.magnitude
    withUnsafeMutableBytes(of: &tmp) { t in
      while m > 0 {
        t[n] = UInt8(48 + m % 10)
        m /= 10
        n += 1
      }
      while n > 0 {
        n -= 1
        bytes.append(t[n])
      }
    }
  }

  private static let spaces = [UInt8](repeating: 0x20, count: 64)
  private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  private mutating func writeString(_ s: String) {
    bytes.append(0x22)
    var s = s
    s.withUTF8 { u in
      var runStart = 0
      for k in 0..<u.count {
        let c = u[k]
        if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
        if runStart < k { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<k])) }
        runStart = k + 1
        switch c {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
          bytes.append(contentsOf: [
            0x5C, UInt8(ascii: "u"), 48, 48, JSONWriter.hex[Int(c >> 4)], JSONWriter.hex[Int(c & 15)],
          ])
        }
      }
      if runStart < u.count {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count]))
      }
    }
    bytes.append(0x22)
  }
}
