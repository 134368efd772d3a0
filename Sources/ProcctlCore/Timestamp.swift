/// A point in time in milliseconds since the Unix epoch, encoded in JSON as RFC 3339 UTC with
/// milliseconds ("2026-12-03T19:11:10.123Z").
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var epochMs: Int64
  public init(epochMs: Int64) { self.epochMs = epochMs }

  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.epochMs < b.epochMs }

  /// RFC 3339 in UTC with milliseconds. Years 0...9999 take the byte-filling path (`list --json`
  /// formats two per process; the string-concatenating one cost ~7 k instructions each).
  public var description: String {
    guard epochMs >= 0 && epochMs < 253_402_300_800_000 else {
      return rfc3339(offsetSeconds: 0, fraction: true)
    }
    var b: [UInt8] = []
    b.reserveCapacity(24)
    appendRFC3339(to: &b)
    return String(decoding: b, as: UTF8.self)
  }

  /// Appends "2026-12-03T19:11:10.123Z" to a byte buffer.
  public func appendRFC3339(to out: inout [UInt8]) {
    var b: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &b) { p in
      fillRFC3339(p.baseAddress!.assumingMemoryBound(to: UInt8.self))
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[0..<24]))
    }
  }

  /// Writes "2026-12-03T19:11:10.123Z", always 24 bytes, at `p` (the hot path of writing the
  /// state and `list --json`: no String, no array).
  public func fillRFC3339(_ p: UnsafeMutablePointer<UInt8>) {
    var secs = epochMs / 1000
    var milli = Int(epochMs % 1000)
    if milli < 0 {
      milli += 1000
      secs -= 1
    }
    let c = CivilTime(utcSeconds: secs)
    func put(_ v: Int, _ at: Int, _ n: Int) {
      var v = v
      var k = at + n - 1
      while k >= at {
        p[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
        v /= 10
        k -= 1
      }
    }
    put(c.year, 0, 4)
    p[4] = 45
    put(c.month, 5, 2)
    p[7] = 45
    put(c.day, 8, 2)
    p[10] = 84
    put(c.hour, 11, 2)
    p[13] = 58
    put(c.minute, 14, 2)
    p[16] = 58
    put(c.second, 17, 2)
    p[19] = 46
    put(milli, 20, 3)
    p[23] = 90
  }

  /// RFC 3339 at a fixed UTC offset: "2026-03-29T03:00:00+02:00" (or "Z" for 0 when `zulu`).
  public func rfc3339(offsetSeconds: Int, fraction: Bool, zulu: Bool = true) -> String {
    let ms = epochMs + Int64(offsetSeconds) * 1000
    var secs = ms / 1000
    var milli = Int(ms % 1000)
    if milli < 0 { milli += 1000; secs -= 1 }
    let c = CivilTime(utcSeconds: secs)
    var s = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T"
    s += "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    if fraction { s += ".\(pad(milli, 3))" }
    if offsetSeconds == 0 && zulu { return s + "Z" }
    let sign = offsetSeconds < 0 ? "-" : "+"
    let o = abs(offsetSeconds)
    return s + "\(sign)\(pad(o / 3600, 2)):\(pad(o % 3600 / 60, 2))"
  }

  /// Parses RFC 3339: "2026-03-29T01:30:00Z", "...+02:00", fractions optional; also a date alone
  /// ("2026-03-29", midnight UTC). Returns nil when malformed.
  public static func parse(_ text: String) -> Timestamp? {
    var text = text
    return text.withUTF8 { parse(utf8: $0) }
  }

  public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    func num(_ from: Int, _ len: Int) -> Int? {
      guard from + len <= u.count else { return nil }
      var v = 0
      for i in from..<(from + len) {
        let c = u[i]
        guard c >= 48 && c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
      }
      return v
    }
    guard let y = num(0, 4), u.count >= 10, u[4] == 45, let mo = num(5, 2), u[7] == 45,
      let d = num(8, 2), (1...12).contains(mo), d >= 1, d <= CivilTime.daysIn(month: mo, year: y)
    else { return nil }
    if u.count == 10 {
      return Timestamp(epochMs: CivilTime(year: y, month: mo, day: d).secondsAsUTC * 1000)
    }
    guard u.count >= 19, u[10] == 84 || u[10] == 116 || u[10] == 32, let h = num(11, 2),
      u[13] == 58, let mi = num(14, 2), u[16] == 58, let s = num(17, 2), h < 24, mi < 60, s < 61
    else { return nil }
    var i = 19
    var ms = 0
    if i < u.count && u[i] == 46 {
      i += 1
      var digits = 0
      while i < u.count, u[i] >= 48, u[i] <= 57 {
        if digits < 3 { ms = ms * 10 + Int(u[i] - 48) }
        digits += 1
        i += 1
      }
      if digits == 0 { return nil }
      for _ in 0..<max(0, 3 - digits) { ms *= 10 }
    }
    guard i < u.count else { return nil }
    var offset = 0
    if u[i] == 90 || u[i] == 122 {
      i += 1
    } else if u[i] == 43 || u[i] == 45 {
      guard let oh = num(i + 1, 2), i + 3 < u.count, u[i + 3] == 58, let om = num(i + 4, 2)
      else { return nil }
      offset = (oh * 3600 + om * 60) * (u[i] == 45 ? -1 : 1)
      i += 6
    } else {
      return nil
    }
    guard i == u.count else { return nil }
    let local = CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s).secondsAsUTC
    return Timestamp(epochMs: (local - Int64(offset)) * 1000 + Int64(ms))
  }
}

func pad(_ v: Int, _ width: Int) -> String {
  var s = String(abs(v))
  while s.count < width { s = "0" + s }
  return v < 0 ? "-" + s : s
}
