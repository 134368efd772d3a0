/// A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3", as found in the footer of TZif files
/// (RFC 8536 section 3.3, with the version 3 extensions: hours -167..167 in transition times).
/// It gives the offsets after a zone's last listed transition, for every future year.
struct PosixTZRule: Sendable, Equatable {
  /// A day of the year on which daylight saving time starts or ends.
  enum DateRule: Sendable, Equatable {
    /// Jn: day 1...365, February 29 never counted.
    case julian(Int)
    /// n: day 0...365, counting February 29 in leap years.
    case zeroBased(Int)
    /// Mm.w.d: day d (0 = Sunday) of week w (1...5, 5 = last) of month m.
    case monthWeekDay(month: Int, week: Int, weekday: Int)
  }

  /// Seconds east of UTC (POSIX writes them west-positive; the parser flips the sign).
  var stdOffset: Int
  var dstOffset: Int?
  var start: DateRule = .monthWeekDay(month: 3, week: 2, weekday: 0)
  var startTime = 7200
  var end: DateRule = .monthWeekDay(month: 11, week: 1, weekday: 0)
  var endTime = 7200

  init?(_ text: String) {
    var p = Scanner(Array(text.utf8))
    guard p.zoneName(), let std = p.offset() else { return nil }
    stdOffset = -std
    if p.atEnd { return }
    guard p.zoneName() else { return nil }
    if let d = p.offset() { dstOffset = -d } else { dstOffset = stdOffset + 3600 }
    if p.atEnd { return }
    guard p.eat(0x2C), let s = p.dateRule() else { return nil }
    start = s
    if p.eat(0x2F) {
      guard let t = p.offset() else { return nil }
      startTime = t
    }
    guard p.eat(0x2C), let e = p.dateRule() else { return nil }
    end = e
    if p.eat(0x2F) {
      guard let t = p.offset() else { return nil }
      endTime = t
    }
    guard p.atEnd else { return nil }
  }

  /// The offset in effect at `s`.
  func offset(atSeconds s: Int64) -> Int {
    guard dstOffset != nil else { return stdOffset }
    let ts = transitions(around: s)
    return ts.last(where: { $0.at <= s })?.offsetAfter ?? stdOffset
  }

  /// The transitions of the years before, of and after the one holding `s`, ascending.
  func transitions(around s: Int64) -> [TimeZoneRules.Transition] {
    guard let dst = dstOffset else { return [] }
    let year = CivilTime(utcSeconds: s + Int64(stdOffset)).year
    var out: [TimeZoneRules.Transition] = []
    for y in (year - 1)...(year + 1) {
      // The start is given in standard local time, the end in daylight saving local time.
      let startAt = Self.day(start, year: y) * 86_400 + Int64(startTime) - Int64(stdOffset)
      let endAt = Self.day(end, year: y) * 86_400 + Int64(endTime) - Int64(dst)
      out.append(.init(at: startAt, offsetBefore: stdOffset, offsetAfter: dst))
      out.append(.init(at: endAt, offsetBefore: dst, offsetAfter: stdOffset))
    }
    out.sort { $0.at < $1.at }
    return out
  }

  /// Days since the epoch of a rule's day in `year`.
  static func day(_ rule: DateRule, year: Int) -> Int64 {
    let jan1 = CivilTime.daysFromCivil(year, 1, 1)
    switch rule {
    case .julian(let n):
      // Day n counts February 29 never: from March on, a leap year is one day further.
      let leapShift = CivilTime.isLeap(year) && n >= 60 ? 1 : 0
      return Int64(jan1 + n - 1 + leapShift)
    case .zeroBased(let n):
      return Int64(jan1 + n)
    case .monthWeekDay(let m, let w, let d):
      let first = CivilTime.daysFromCivil(year, m, 1)
      let firstWeekday = CivilTime.weekday(daysSinceEpoch: first)
      var day = first + (d - firstWeekday + 7) % 7 + (w - 1) * 7
      let last = first + CivilTime.daysIn(month: m, year: year) - 1
      while day > last { day -= 7 }
      return Int64(day)
    }
  }
}

/// A cursor over the bytes of a POSIX TZ string.
private struct Scanner {
  let u: [UInt8]
  var i = 0
  init(_ u: [UInt8]) { self.u = u }

  var atEnd: Bool { i >= u.count }

  mutating func eat(_ c: UInt8) -> Bool {
    guard i < u.count, u[i] == c else { return false }
    i += 1
    return true
  }

  /// "CET" (3+ letters) or "<+0330>" (quoted).
  mutating func zoneName() -> Bool {
    if eat(0x3C) {
      let start = i
      while i < u.count && u[i] != 0x3E { i += 1 }
      guard i < u.count, i - start >= 1 else { return false }
      i += 1
      return true
    }
    let start = i
    while i < u.count, (u[i] | 0x20) >= 0x61, (u[i] | 0x20) <= 0x7A { i += 1 }
    return i - start >= 3
  }

  mutating func number() -> Int? {
    let start = i
    var v = 0
    while i < u.count, u[i] >= 0x30, u[i] <= 0x39, i - start < 6 {
      v = v * 10 + Int(u[i] - 0x30)
      i += 1
    }
    return i > start ? v : nil
  }

  /// [+-]hh[:mm[:ss]] in seconds, as written (west-positive for zone offsets).
  mutating func offset() -> Int? {
    var sign = 1
    if eat(0x2D) { sign = -1 } else { _ = eat(0x2B) }
    guard let h = number(), h <= 167 else { return nil }
    var total = h * 3600
    if eat(0x3A) {
      guard let m = number(), m < 60 else { return nil }
      total += m * 60
      if eat(0x3A) {
        guard let s = number(), s < 60 else { return nil }
        total += s
      }
    }
    return sign * total
  }

  mutating func dateRule() -> PosixTZRule.DateRule? {
    if eat(0x4A) {
      guard let n = number(), (1...365).contains(n) else { return nil }
      return .julian(n)
    }
    if eat(0x4D) {
      guard let m = number(), (1...12).contains(m), eat(0x2E), let w = number(),
        (1...5).contains(w), eat(0x2E), let d = number(), (0...6).contains(d)
      else { return nil }
      return .monthWeekDay(month: m, week: w, weekday: d)
    }
    guard let n = number(), (0...365).contains(n) else { return nil }
    return .zeroBased(n)
  }
}
