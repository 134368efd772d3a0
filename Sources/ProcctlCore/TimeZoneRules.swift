/// The UTC offsets of one IANA time zone over time, parsed from TZif bytes (RFC 8536, versions 1
/// to 4) and the POSIX TZ rule in their footer.
///
/// FoundationEssentials knows only fixed offsets and linking the internationalization module
/// costs start-up time, so procctl reads the system's TZif files itself. This type is pure: the
/// store reads the file (`ZoneInfo.load`), this parses the bytes. Times are whole seconds since
/// the epoch; offsets are seconds east of UTC.
public struct TimeZoneRules: Sendable, Equatable {
  /// A change of UTC offset at an instant.
  public struct Transition: Sendable, Equatable {
    public var at: Int64
    public var offsetBefore: Int
    public var offsetAfter: Int
    public init(at: Int64, offsetBefore: Int, offsetAfter: Int) {
      self.at = at
      self.offsetBefore = offsetBefore
      self.offsetAfter = offsetAfter
    }
  }

  /// What a local wall-clock time means in this zone.
  public enum LocalTimeMapping: Sendable, Equatable {
    /// Exactly one instant has this local time.
    case unique(Int64)
    /// Clocks went back: the local time happened twice, first at `first`, then at `second`.
    case fold(first: Int64, second: Int64)
    /// Clocks jumped forward over it: it never happened; the gap ends at `end` (the transition).
    case gap(end: Int64)
  }

  public let name: String
  /// Transition instants, ascending, and the offset in effect from each one on.
  let times: [Int64]
  let offsets: [Int]
  /// The offset before the first transition (time type 0, RFC 8536 section 3.2).
  let initialOffset: Int
  /// The footer's rule, used after the last transition.
  let rule: PosixTZRule?

  /// Coordinated Universal Time: no transitions, offset 0. Needs no database.
  public static let utc = TimeZoneRules(
    name: "UTC", times: [], offsets: [], initialOffset: 0, rule: nil)

  init(name: String, times: [Int64], offsets: [Int], initialOffset: Int, rule: PosixTZRule?) {
    self.name = name
    self.times = times
    self.offsets = offsets
    self.initialOffset = initialOffset
    self.rule = rule
  }

  /// Rules from a POSIX TZ string alone, such as "CET-1CEST,M3.5.0,M10.5.0/3".
  public init(name: String, posixTZ: String) throws(CoreError) {
    guard let r = PosixTZRule(posixTZ) else {
      throw .invalid("time zone \(name): invalid POSIX TZ rule \"\(posixTZ)\"")
    }
    self.init(name: name, times: [], offsets: [], initialOffset: r.stdOffset, rule: r)
  }

  /// Parses the bytes of a TZif file.
  public init(name: String, tzif bytes: [UInt8]) throws(CoreError) {
    func bad(_ why: String) -> CoreError {
      .invalid("time zone \(name): not a valid TZif file (\(why))")
    }
    var r = ByteReader(bytes)
    guard let hdr = r.header() else { throw bad("bad header") }
    var h = hdr
    var timeSize = 4
    if h.version >= 2 {
      // Skip the version 1 block; the 64-bit block and the footer follow.
      guard r.skip(h.dataSize(timeSize: 4)), let h2 = r.header() else {
        throw bad("truncated version 1 data")
      }
      h = h2
      timeSize = 8
    }
    var times: [Int64] = []
    times.reserveCapacity(h.timecnt)
    for _ in 0..<h.timecnt {
      guard let t = timeSize == 8 ? r.int64() : r.int32().map(Int64.init) else {
        throw bad("truncated transition times")
      }
      times.append(t)
    }
    var typeIndices: [Int] = []
    for _ in 0..<h.timecnt {
      guard let i = r.byte() else { throw bad("truncated transition types") }
      guard Int(i) < h.typecnt else { throw bad("transition type out of range") }
      typeIndices.append(Int(i))
    }
    var typeOffsets: [Int] = []
    for _ in 0..<h.typecnt {
      guard let off = r.int32(), r.byte() != nil, r.byte() != nil else {
        throw bad("truncated local time types")
      }
      typeOffsets.append(Int(off))
    }
    guard typeOffsets.count > 0 else { throw bad("no local time types") }
    guard r.skip(h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt) else {
      throw bad("truncated data block")
    }
    var rule: PosixTZRule? = nil
    if h.version >= 2, let footer = r.footer(), !footer.isEmpty {
      guard let parsed = PosixTZRule(footer) else { throw bad("invalid footer \"\(footer)\"") }
      rule = parsed
    }
    for i in 1..<max(1, times.count) where times[i] <= times[i - 1] {
      throw bad("transition times not ascending")
    }
    self.init(
      name: name, times: times, offsets: typeIndices.map { typeOffsets[$0] },
      initialOffset: typeOffsets[0], rule: rule)
  }

  /// The UTC offset in effect at `seconds` since the epoch.
  public func offset(atSeconds s: Int64) -> Int {
    if let last = times.last, s >= last, let rule {
      return s == last ? offsets[offsets.count - 1] : rule.offset(atSeconds: s)
    }
    if times.isEmpty { return rule?.offset(atSeconds: s) ?? initialOffset }
    let i = lastIndex(atOrBefore: s)
    return i < 0 ? initialOffset : offsets[i]
  }

  /// The UTC offset in effect at `t`.
  public func offset(at t: Timestamp) -> Int { offset(atSeconds: floorDiv(t.epochMs, 1000)) }

  /// The first transition strictly after `s` that changes the offset.
  public func nextTransition(afterSeconds s: Int64) -> Transition? {
    var i = lastIndex(atOrBefore: s) + 1
    while i < times.count {
      let before = i == 0 ? initialOffset : offsets[i - 1]
      if before != offsets[i] {
        return Transition(at: times[i], offsetBefore: before, offsetAfter: offsets[i])
      }
      i += 1
    }
    guard let rule else { return nil }
    let floor = times.last ?? Int64.min
    return rule.transitions(around: max(s, floor)).first { $0.at > s && $0.at > floor }
  }

  /// The last transition at or before `s` that changed the offset.
  public func previousTransition(atOrBeforeSeconds s: Int64) -> Transition? {
    if let rule, s > times.last ?? Int64.min {
      let floor = times.last ?? Int64.min
      if let t = rule.transitions(around: s).last(where: { $0.at <= s && $0.at > floor }) {
        return t
      }
    }
    var i = lastIndex(atOrBefore: s)
    while i >= 0 {
      let before = i == 0 ? initialOffset : offsets[i - 1]
      if before != offsets[i] {
        return Transition(at: times[i], offsetBefore: before, offsetAfter: offsets[i])
      }
      i -= 1
    }
    return nil
  }

  /// The instants at which the wall clock reads `local` (seconds since the epoch of the local
  /// civil time read as if it were UTC).
  public func resolve(local: Int64) -> LocalTimeMapping {
    // Offsets stay within a day of UTC, so every instant with this local time lies in
    // [local - 1 day, local + 1 day]; look at the transitions in that window.
    let lo = local - 86_400 * 2
    var candidates: [Int64] = []
    var segStart = lo
    var off = offset(atSeconds: lo)
    var gapEnd: Int64? = nil
    while true {
      let next = nextTransition(afterSeconds: segStart)
      let segEnd = next?.at ?? Int64.max
      let i = local - Int64(off)
      if i >= segStart && i < segEnd { candidates.append(i) }
      guard let n = next, n.at <= local + 86_400 * 2 else { break }
      if n.offsetAfter > n.offsetBefore && local >= n.at + Int64(n.offsetBefore)
        && local < n.at + Int64(n.offsetAfter)
      {
        gapEnd = n.at
      }
      segStart = n.at
      off = n.offsetAfter
    }
    if candidates.count >= 2 { return .fold(first: candidates[0], second: candidates[1]) }
    if let c = candidates.first { return .unique(c) }
    return .gap(end: gapEnd ?? local - Int64(off))
  }

  /// Index of the last transition at or before `s`, or -1.
  private func lastIndex(atOrBefore s: Int64) -> Int {
    var lo = 0
    var hi = times.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if times[mid] <= s { lo = mid + 1 } else { hi = mid }
    }
    return lo - 1
  }
}

/// Floor division, so instants before 1970 round towards the past.
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
  let q = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Big-endian reads over TZif bytes; every read returns nil past the end instead of trapping.
private struct ByteReader {
  let bytes: [UInt8]
  var pos = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }

  struct Header {
    var version: Int
    var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int
    func dataSize(timeSize: Int) -> Int {
      timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt
        + isutcnt
    }
  }

  mutating func byte() -> UInt8? {
    guard pos < bytes.count else { return nil }
    defer { pos += 1 }
    return bytes[pos]
  }

  mutating func skip(_ n: Int) -> Bool {
    guard n >= 0, pos + n <= bytes.count else { return false }
    pos += n
    return true
  }

  mutating func uint32() -> UInt32? {
    guard pos + 4 <= bytes.count else { return nil }
    var v: UInt32 = 0
    for k in 0..<4 { v = v << 8 | UInt32(bytes[pos + k]) }
    pos += 4
    return v
  }

  mutating func int32() -> Int32? { uint32().map { Int32(bitPattern: $0) } }

  mutating func int64() -> Int64? {
    guard let hi = uint32(), let lo = uint32() else { return nil }
    return Int64(bitPattern: UInt64(hi) << 32 | UInt64(lo))
  }

  mutating func header() -> Header? {
    guard pos + 44 <= bytes.count, bytes[pos] == 0x54, bytes[pos + 1] == 0x5A,
      bytes[pos + 2] == 0x69, bytes[pos + 3] == 0x66
    else { return nil }
    let v = bytes[pos + 4]
    let version = v == 0 ? 1 : Int(v) - 0x30
    guard version >= 1 && version <= 9 else { return nil }
    pos += 20
    var counts: [Int] = []
    for _ in 0..<6 {
      guard let c = uint32(), c < 1 << 24 else { return nil }
      counts.append(Int(c))
    }
    return Header(
      version: version, isutcnt: counts[0], isstdcnt: counts[1], leapcnt: counts[2],
      timecnt: counts[3], typecnt: counts[4], charcnt: counts[5])
  }

  /// The footer: "\n" TZ-string "\n".
  mutating func footer() -> String? {
    guard byte() == 0x0A else { return nil }
    let start = pos
    while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
    guard pos < bytes.count else { return nil }
    return String(decoding: bytes[start..<pos], as: UTF8.self)
  }
}
