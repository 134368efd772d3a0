/// A value that writes itself as one JSON value. procctl's documents (state, status, `--json`
/// output) are written by hand with `JSONWriter` instead of Codable: no FoundationEssentials to
/// load at start-up, no reflection-driven encoder. Objects write their members in sorted key
/// order and leave out optional members that are nil, so field order never changes between
/// versions.
public protocol JSONWritable {
  func write(to w: inout JSONWriter)
}

extension JSONWritable {
  /// The value as a document with a trailing newline.
  public func jsonDocument(pretty: Bool = true, capacity: Int = 1024) -> [UInt8] {
    var w = JSONWriter(pretty: pretty, capacity: capacity)
    write(to: &w)
    return w.document
  }
}

extension JSONWriter {
  public mutating func member(_ k: StaticString, _ v: some JSONWritable) {
    key(k)
    v.write(to: &self)
  }
  public mutating func member(_ k: StaticString, ifPresent v: (some JSONWritable)?) {
    if let v { member(k, v) }
  }
  public mutating func member(_ k: StaticString, _ v: Double) {
    key(k)
    double(v)
  }
  public mutating func member(_ k: StaticString, ifPresent v: Double?) {
    if let v { member(k, v) }
  }
  public mutating func member(_ k: StaticString, ifPresent v: Bool?) {
    if let v { member(k, v) }
  }
  public mutating func member(_ k: StaticString, ifPresent t: Timestamp?) {
    if let t { member(k, t) }
  }
  /// An array of values that write themselves.
  public mutating func member(_ k: StaticString, _ vs: [some JSONWritable]) {
    key(k)
    beginArray()
    for v in vs { v.write(to: &self) }
    endArray()
  }
  public mutating func member(_ k: StaticString, _ vs: [String]) {
    key(k)
    beginArray()
    for v in vs { string(v) }
    endArray()
  }
  public mutating func member(_ k: StaticString, ifPresent vs: [String]?) {
    if let vs { member(k, vs) }
  }
  /// A string map, keys sorted.
  public mutating func member(_ k: StaticString, _ map: [String: String]) {
    key(k)
    beginObject()
    members(sortedByKey: map)
    endObject()
  }

  /// The map's entries as members, keys sorted (no array to sort for the usual one or two).
  public mutating func members(sortedByKey map: [String: String]) {
    switch map.count {
    case 0: return
    case 1:
      let (k, v) = map[map.startIndex]
      key(data: k)
      string(v)
    case 2:
      let a = map[map.startIndex]
      let b = map[map.index(after: map.startIndex)]
      let (x, y) = a.key < b.key ? (a, b) : (b, a)
      key(data: x.key)
      string(x.value)
      key(data: y.key)
      string(y.value)
    default:
      for (k, v) in map.sorted(by: { $0.key < $1.key }) {
        key(data: k)
        string(v)
      }
    }
  }
}
