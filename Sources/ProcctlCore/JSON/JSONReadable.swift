/// A value that reads itself from a `JSONReader`: the counterpart of `JSONWritable`. Readers
/// skip members they do not know (files written by a newer procctl) and accept `null` for an
/// optional member.
public protocol JSONReadable {
  init(reading r: inout JSONReader) throws(JSONError)
}

extension JSONReadable {
  /// Parses a whole document holding one such value.
  public static func decode(json bytes: [UInt8]) throws(JSONError) -> Self {
    try bytes.withUnsafeBufferPointer { (buf) throws(JSONError) -> Self in
      var r = JSONReader(buf)
      let v = try Self(reading: &r)
      try r.end()
      return v
    }
  }
}

extension Array: JSONReadable where Element: JSONReadable {
  public init(reading r: inout JSONReader) throws(JSONError) {
    self = []
    try r.beginArray()
    while try r.nextElement() { append(try Element(reading: &r)) }
  }
}

extension Array: JSONWritable where Element: JSONWritable {
  public func write(to w: inout JSONWriter) {
    w.beginArray()
    for e in self { e.write(to: &w) }
    w.endArray()
  }
}

extension JSONReader {
  /// nil for `null`, else what `read` reads.
  public mutating func optional<T>(_ read: (inout JSONReader) throws(JSONError) -> T)
    throws(JSONError) -> T?
  {
    if try takeNull() { return nil }
    return try read(&self)
  }

  public mutating func optionalString() throws(JSONError) -> String? {
    try optional { (r) throws(JSONError) in try r.readString() }
  }
  public mutating func optionalInt() throws(JSONError) -> Int? {
    try optional { (r) throws(JSONError) in try r.readInt() }
  }
  public mutating func optionalTimestamp() throws(JSONError) -> Timestamp? {
    try optional { (r) throws(JSONError) in try r.readTimestamp() }
  }
  public mutating func readStrings() throws(JSONError) -> [String] {
    var out: [String] = []
    try beginArray()
    while try nextElement() { out.append(try readString()) }
    return out
  }

  /// The error for a required member that was not there.
  public func missing(_ field: String, in object: String) -> JSONError {
    error("missing field \"\(field)\" in \(object)")
  }
}
