/// A strict RFC 8259 JSON parser over UTF-8 bytes. Errors carry the line and column.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public var line: Int
  public var column: Int
  public var description: String { "\(message) at line \(line), column \(column)" }
}

/// Parses a whole document into a JSONValue tree.
public enum JSONParser {
  /// Maximum nesting depth; deeper documents are rejected rather than overflowing the stack.
  public static let maxDepth = 512

  public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
    try bytes.withUnsafeBufferPointer { (buf) throws(JSONError) -> JSONValue in
      var r = JSONReader(buf)
      let v = try r.value(depth: 0)
      try r.end()
      return v
    }
  }

  public static func parse(_ text: String) throws(JSONError) -> JSONValue {
    try parse(Array(text.utf8))
  }
}

/// A streaming JSON reader over UTF-8 bytes: decoders pull keys and values straight into their
/// types (no intermediate tree), which is what makes reading a 1,000-process state file cheap.
/// `value(depth:)` builds a JSONValue tree when a tree is what the caller wants.
public struct JSONReader {
  let buf: UnsafeBufferPointer<UInt8>
  public internal(set) var i = 0
  /// The bytes of the key `nextKey()` last read (escapes already decoded when there were any).
  private var keyStart = 0
  private var keyEnd = 0
  private var decodedKey: [UInt8]? = nil
  /// The last time read and where its text starts: a process's createdAt and updatedAt are
  /// often the same text, which then needs no second parse.
  private var lastTimeAt = -1
  private var lastTimeLength = 0
  private var lastTime = Timestamp(epochMs: 0)

  /// `buf` must stay valid while the reader is used (use inside `withUnsafeBufferPointer`).
  public init(_ buf: UnsafeBufferPointer<UInt8>) {
    self.buf = buf
    skipSpace()
  }

  /// Checks that nothing but white space follows the document.
  public mutating func end() throws(JSONError) {
    skipSpace()
    if i != buf.count { throw error("unexpected content after the document") }
  }

  /// Expects `{`.
  public mutating func beginObject() throws(JSONError) {
    try expect(UInt8(ascii: "{"), "expected an object")
    pendingFirst = true
  }

  private var pendingFirst = false

  /// Reads the next member's key and the `:` after it; false at the closing `}`.
  public mutating func nextKey() throws(JSONError) -> Bool {
    skipSpace()
    let n = buf.count
    var k = i
    guard k < n else { throw error("unexpected end of input in an object") }
    if buf[k] == UInt8(ascii: "}") {
      i = k + 1
      skipSpace()
      pendingFirst = false
      return false
    }
    if !pendingFirst {
      guard buf[k] == UInt8(ascii: ",") else { throw error("expected ',' or '}'") }
      i = k + 1
      skipSpace()
      k = i
    }
    pendingFirst = false
    guard k < n, buf[k] == UInt8(ascii: "\"") else { throw error("expected a string key") }
    // Keys without escapes are compared in place; others are decoded once.
    k += 1
    let start = k
    k = JSONScan.plainRun(buf.baseAddress!, from: k, end: n)
    if k < n, buf[k] == UInt8(ascii: "\"") {
      keyStart = start
      keyEnd = k
      if decodedKey != nil { decodedKey = nil }
      i = k + 1
    } else {
      decodedKey = Array(try string().utf8)
    }
    skipSpace()
    guard i < n, buf[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
    i += 1
    skipSpace()
    return true
  }

  /// Whether the next non-blank byte closes an object (peeks; consumes nothing).
  public var atObjectEnd: Bool {
    guard let p = buf.baseAddress else { return true }
    let k = JSONScan.skipSpace(p, from: i, end: buf.count)
    return k < buf.count && buf[k] == UInt8(ascii: "}")
  }

  /// Whether the key last read by `nextKey()` is `name`.
  @inline(__always)
  public func keyIs(_ name: StaticString) -> Bool {
    name.withUTF8Buffer { (u) -> Bool in
      let n = u.count
      if let d = decodedKey {
        return d.count == n && d.withUnsafeBufferPointer { memEqual($0.baseAddress!, u.baseAddress!, n) }
      }
      return keyEnd - keyStart == n && memEqual(buf.baseAddress! + keyStart, u.baseAddress!, n)
    }
  }

  /// The key last read, as a String (for maps whose keys are data, like environment variables).
  public var key: String {
    if let d = decodedKey { return String(decoding: d, as: UTF8.self) }
    return String(decoding: UnsafeBufferPointer(rebasing: buf[keyStart..<keyEnd]), as: UTF8.self)
  }

  /// Expects `[`; then call `nextElement()` before each element.
  public mutating func beginArray() throws(JSONError) {
    try expect(UInt8(ascii: "["), "expected an array")
    pendingFirst = true
  }

  /// True when another element follows; false at the closing `]`.
  public mutating func nextElement() throws(JSONError) -> Bool {
    skipSpace()
    guard i < buf.count else { throw error("unexpected end of input in an array") }
    if buf[i] == UInt8(ascii: "]") {
      i += 1
      skipSpace()
      pendingFirst = false
      return false
    }
    if !pendingFirst {
      guard buf[i] == UInt8(ascii: ",") else { throw error("expected ',' or ']'") }
      i += 1
      skipSpace()
    }
    pendingFirst = false
    return true
  }

  /// Consumes `null` and returns true when the next value is null.
  public mutating func takeNull() throws(JSONError) -> Bool {
    guard i < buf.count, buf[i] == UInt8(ascii: "n") else { return false }
    try literal("null")
    skipSpace()
    return true
  }

  public mutating func readString() throws(JSONError) -> String {
    guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw error("expected a string") }
    let s = try string()
    skipSpace()
    return s
  }

  public mutating func readInt() throws(JSONError) -> Int {
    let at = i
    guard i < buf.count, buf[i] == UInt8(ascii: "-") || isDigit(buf[i]) else {
      throw error("expected a whole number")
    }
    // Fast path: up to 18 digits without sign, fraction or exponent (no overflow possible).
    let n = buf.count
    var k = at
    var fast = 0
    while k < n, k - at < 18, isDigit(buf[k]) {
      fast = fast &* 10 &+ Int(buf[k] &- 48)
      k += 1
    }
    if k > at, k < n, !(buf[at] == UInt8(ascii: "0") && k - at > 1) {
      let c = buf[k]
      if c != UInt8(ascii: ".") && c != UInt8(ascii: "e") && c != UInt8(ascii: "E") && !isDigit(c) {
        i = k
        skipSpace()
        return fast
      }
    }
    let v = try number()
    skipSpace()
    switch v {
    case .int(let n): return n
    case .double(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
    default: throw error("expected a whole number", at: at)
    }
  }

  public mutating func readDouble() throws(JSONError) -> Double {
    guard i < buf.count, buf[i] == UInt8(ascii: "-") || isDigit(buf[i]) else {
      throw error("expected a number")
    }
    let v = try number()
    skipSpace()
    if case .int(let n) = v { return Double(n) }
    if case .double(let d) = v { return d }
    return 0
  }

  public mutating func readBool() throws(JSONError) -> Bool {
    guard i < buf.count else { throw error("expected true or false") }
    let v: Bool
    if buf[i] == UInt8(ascii: "t") {
      try literal("true")
      v = true
    } else if buf[i] == UInt8(ascii: "f") {
      try literal("false")
      v = false
    } else {
      throw error("expected true or false")
    }
    skipSpace()
    return v
  }

  /// An RFC 3339 time.
  public mutating func readTimestamp() throws(JSONError) -> Timestamp {
    let at = i
    guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw error("expected a time") }
    let k = JSONScan.plainRun(buf.baseAddress!, from: i + 1, end: buf.count)
    guard k < buf.count, buf[k] == UInt8(ascii: "\"") else {
      throw error("expected an RFC 3339 time such as 2026-01-31T12:00:00Z", at: at)
    }
    let text = UnsafeBufferPointer(rebasing: buf[(i + 1)..<k])
    let t: Timestamp
    if lastTimeAt >= 0 && lastTimeLength == text.count
      && memEqual(buf.baseAddress! + lastTimeAt, text.baseAddress!, text.count)
    {
      t = lastTime
    } else {
      guard let parsed = Timestamp.parse(utf8: text) else {
        throw error("expected an RFC 3339 time such as 2026-01-31T12:00:00Z", at: at)
      }
      t = parsed
      lastTimeAt = i + 1
      lastTimeLength = text.count
      lastTime = t
    }
    i = k + 1
    skipSpace()
    return t
  }

  /// A string that must be one of an enum's raw values.
  public mutating func readEnum<E: RawRepresentable & CaseIterable>(_: E.Type) throws(JSONError)
    -> E where E.RawValue == String
  {
    let at = i
    let s = try readString()
    guard let e = E(rawValue: s) else {
      let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
      throw error("\"\(s)\" is not one of \(allowed)", at: at)
    }
    return e
  }

  /// Skips one value of any kind (members a reader does not know, e.g. from a newer minor
  /// version).
  public mutating func skipValue() throws(JSONError) {
    _ = try value(depth: 0)
  }

  private mutating func expect(_ c: UInt8, _ message: String) throws(JSONError) {
    guard i < buf.count else { throw error("unexpected end of input (\(message))") }
    guard buf[i] == c else { throw error(message) }
    i += 1
  }

  public func error(_ message: String, at offset: Int? = nil) -> JSONError {
    let end = min(offset ?? i, buf.count)
    var line = 1
    var col = 1
    var k = 0
    while k < end {
      if buf[k] == 10 {
        line += 1
        col = 1
      } else if buf[k] & 0xC0 != 0x80 {
        col += 1
      }
      k += 1
    }
    return JSONError(message: message, line: line, column: col)
  }

  @inline(__always)
  mutating func skipSpace() {
    guard let p = buf.baseAddress else { return }
    i = JSONScan.skipSpace(p, from: i, end: buf.count)
  }

  /// Reads one value of any kind as a tree.
  public mutating func value(depth: Int) throws(JSONError) -> JSONValue {
    let v = try rawValue(depth: depth)
    skipSpace()
    return v
  }

  private mutating func rawValue(depth: Int) throws(JSONError) -> JSONValue {
    guard i < buf.count else { throw error("unexpected end of input") }
    if depth > JSONParser.maxDepth { throw error("nesting deeper than \(JSONParser.maxDepth)") }
    switch buf[i] {
    case UInt8(ascii: "{"): return .object(try object(depth: depth))
    case UInt8(ascii: "["): return .array(try array(depth: depth))
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default:
      throw error("unexpected character '\(printable(buf[i]))'")
    }
  }

  func printable(_ c: UInt8) -> String {
    c >= 0x20 && c < 0x7f ? String(UnicodeScalar(c)) : "\\u{\(String(c, radix: 16))}"
  }

  mutating func literal(_ word: StaticString) throws(JSONError) {
    let n = word.utf8CodeUnitCount
    guard i + n <= buf.count else { throw error("invalid literal") }
    let w = word.utf8Start
    for k in 0..<n where buf[i + k] != w[k] { throw error("invalid literal", at: i + k) }
    i += n
  }

  mutating func object(depth: Int) throws(JSONError) -> JSONObject {
    i += 1  // {
    var obj = JSONObject()
    skipSpace()
    if i < buf.count && buf[i] == UInt8(ascii: "}") {
      i += 1
      return obj
    }
    while true {
      skipSpace()
      guard i < buf.count, buf[i] == UInt8(ascii: "\"") else {
        throw error(i < buf.count ? "expected a string key" : "unexpected end of input")
      }
      let key = try string()
      skipSpace()
      guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
      i += 1
      skipSpace()
      let v = try value(depth: depth + 1)
      obj.keys.append(key)
      obj.values.append(v)
      skipSpace()
      guard i < buf.count else { throw error("unexpected end of input in an object") }
      if buf[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if buf[i] == UInt8(ascii: "}") {
        i += 1
        return obj
      }
      throw error("expected ',' or '}'")
    }
  }

  mutating func array(depth: Int) throws(JSONError) -> [JSONValue] {
    i += 1  // [
    var arr: [JSONValue] = []
    skipSpace()
    if i < buf.count && buf[i] == UInt8(ascii: "]") {
      i += 1
      return arr
    }
    while true {
      skipSpace()
      arr.append(try value(depth: depth + 1))
      skipSpace()
      guard i < buf.count else { throw error("unexpected end of input in an array") }
      if buf[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if buf[i] == UInt8(ascii: "]") {
        i += 1
        return arr
      }
      throw error("expected ',' or ']'")
    }
  }

  mutating func string() throws(JSONError) -> String {
    let start = i
    let contentStart = i + 1  // after the opening quote
    // Fast path: no escapes.
    let n = buf.count
    let k = JSONScan.plainRun(buf.baseAddress!, from: contentStart, end: n)
    if k < n && buf[k] == UInt8(ascii: "\"") {
      i = k + 1
      return String(decoding: UnsafeBufferPointer(rebasing: buf[contentStart..<k]), as: UTF8.self)
    }
    i = k
    if i < n && buf[i] < 0x20 { throw error("control character in a string") }
    guard i < buf.count else { throw error("unterminated string", at: start) }
    var out = Array(buf[contentStart..<i])
    while i < buf.count {
      let c = buf[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c < 0x20 { throw error("control character in a string") }
      if c != UInt8(ascii: "\\") {
        out.append(c)
        i += 1
        continue
      }
      i += 1
      guard i < buf.count else { break }
      switch buf[i] {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4(at: i + 1)
        i += 4
        if (0xD800..<0xDC00).contains(scalar) {
          // A high surrogate must be followed by \u and a low surrogate.
          guard i + 2 < buf.count, buf[i + 1] == UInt8(ascii: "\\"), buf[i + 2] == UInt8(ascii: "u")
          else { throw error("unpaired surrogate in a string") }
          let low = try hex4(at: i + 3)
          guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          i += 6
        } else if (0xDC00..<0xE000).contains(scalar) {
          throw error("unpaired surrogate in a string")
        }
        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
        out.append(contentsOf: Array(String(Character(u)).utf8))
      default:
        throw error("invalid escape '\\\(printable(buf[i]))'")
      }
      i += 1
    }
    throw error("unterminated string", at: start)
  }

  func hex4(at k: Int) throws(JSONError) -> UInt32 {
    guard k + 4 <= buf.count else { throw error("invalid \\u escape", at: k) }
    var v: UInt32 = 0
    for j in k..<(k + 4) {
      let c = buf[j]
      let d: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
      default: throw error("invalid \\u escape", at: j)
      }
      v = v << 4 | d
    }
    return v
  }

  mutating func number() throws(JSONError) -> JSONValue {
    let start = i
    var negative = false
    if buf[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    guard i < buf.count, isDigit(buf[i]) else { throw error("invalid number", at: start) }
    if buf[i] == UInt8(ascii: "0"), i + 1 < buf.count, isDigit(buf[i + 1]) {
      throw error("leading zero in a number", at: start)
    }
    var value = 0
    var overflow = false
    while i < buf.count, isDigit(buf[i]) {
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int(buf[i] - 48))
      overflow = overflow || o1 || o2
      value = a
      i += 1
    }
    var isInteger = true
    if i < buf.count, buf[i] == UInt8(ascii: ".") {
      isInteger = false
      i += 1
      guard i < buf.count, isDigit(buf[i]) else { throw error("invalid number", at: start) }
      while i < buf.count, isDigit(buf[i]) { i += 1 }
    }
    if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
      isInteger = false
      i += 1
      if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
      guard i < buf.count, isDigit(buf[i]) else { throw error("invalid number", at: start) }
      while i < buf.count, isDigit(buf[i]) { i += 1 }
    }
    if isInteger && !overflow { return .int(negative ? -value : value) }
    let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
    guard let d = Double(text) else { throw error("invalid number", at: start) }
    return .double(d)
  }

  func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}

@inline(__always)
private func memEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
  var k = 0
  while k < n {
    if a[k] != b[k] { return false }
    k += 1
  }
  return true
}
