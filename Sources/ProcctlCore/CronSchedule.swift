/// A parsed cron schedule: five fields or a macro, with cronie's grammar and semantics (the cron
/// of Fedora, RHEL and Arch), so operators' existing crontab lines mean what they meant there.
public struct CronSchedule: Sendable, Equatable {
  /// The expression as the operator wrote it.
  public let expression: String
  /// Minute or hour field starts with `*` (or `@hourly`): such jobs have no runs in a
  /// spring-forward gap and run in both passes of a fall-back hour (cronie's DST rules).
  public let isWildcard: Bool

  /// Bit n set when value n matches. Day of week: bit 0 = Sunday ... bit 6 = Saturday.
  let minutes: UInt64
  let hours: UInt64
  let daysOfMonth: UInt64
  let months: UInt64
  let daysOfWeek: UInt64
  /// Day of month / day of week field starts with `*`: then a day must match both fields,
  /// otherwise either.
  let domStar: Bool
  let dowStar: Bool

  /// The macros cronie knows, lowercase only.
  static let macros: [String: String] = [
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
  ]

  public init(parsing expression: String) throws(CoreError) {
    func fail(_ why: String) -> CoreError { .invalid("invalid schedule \"\(expression)\": \(why)") }
    var tokens = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    if let first = tokens.first {
      for prefix in ["CRON_TZ=", "TZ="] where first.uppercased().hasPrefix(prefix) {
        throw fail(
          "an inline \(prefix) prefix is not supported; give the time zone with --tz instead")
      }
      if first.hasPrefix("@") {
        if first == "@reboot" {
          throw fail("@reboot is not a time schedule; cron jobs run only at scheduled times")
        }
        guard let expansion = Self.macros[first] else {
          throw fail(
            "unknown macro \(first); use one of @yearly, @annually, @monthly, @weekly, @daily,"
              + " @midnight, @hourly (lowercase)")
        }
        guard tokens.count == 1 else {
          throw fail("a macro stands alone; got \(tokens.count - 1) more field(s) after \(first)")
        }
        tokens = expansion.split(separator: " ").map(String.init)
      }
    }
    guard tokens.count == 5 else {
      var why =
        "expected 5 fields (minute hour day-of-month month day-of-week), got \(tokens.count)"
      if tokens.count == 6 || tokens.count == 7 {
        why += "; seconds and year fields are not supported"
      }
      throw fail(why)
    }
    let f = CronField.all
    var sets: [UInt64] = []
    for (k, field) in f.enumerated() {
      do throws(CronField.Problem) {
        sets.append(try field.parse(tokens[k]))
      } catch {
        throw fail("\(field.name) field \"\(tokens[k])\": \(error.text)")
      }
    }
    self.expression = expression
    minutes = sets[0]
    hours = sets[1]
    daysOfMonth = sets[2]
    months = sets[3]
    daysOfWeek = sets[4]
    domStar = tokens[2].hasPrefix("*")
    dowStar = tokens[4].hasPrefix("*")
    isWildcard = tokens[0].hasPrefix("*") || tokens[1].hasPrefix("*")
    // A day-of-month field that must match (day of week is `*`) and names no day that occurs in
    // any of the months can never fire. (With `*` in day of month, day 1 is always included,
    // and every date falls on every weekday in some year.)
    if !domStar && dowStar {
      let possible = (1...12).contains { m in
        months & (1 << m) != 0
          && daysOfMonth & ((1 << UInt64(CivilTime.daysIn(month: m, year: 2000) + 1)) - 2) != 0
      }
      if !possible {
        throw fail(
          "day-of-month field \"\(tokens[2])\" names no day that occurs in month field"
            + " \"\(tokens[3])\", so the schedule never fires")
      }
    }
  }

  /// Whether the schedule fires at this local wall-clock minute (seconds are ignored).
  public func matches(_ c: CivilTime) -> Bool {
    minutes & (1 << UInt64(c.minute)) != 0 && hours & (1 << UInt64(c.hour)) != 0
      && months & (1 << UInt64(c.month)) != 0 && dayMatches(c.year, c.month, c.day)
  }

  func dayMatches(_ y: Int, _ m: Int, _ d: Int) -> Bool {
    let dom = daysOfMonth & (1 << UInt64(d)) != 0
    let wd = CivilTime.weekday(daysSinceEpoch: CivilTime.daysFromCivil(y, m, d))
    let dow = daysOfWeek & (1 << UInt64(wd)) != 0
    return domStar || dowStar ? dom && dow : dom || dow
  }

  /// The first time strictly after `from` at which the schedule fires in `zone`, with cronie's
  /// daylight saving rules:
  /// - spring forward: a fixed-time job whose time falls in the gap runs once, at the end of the
  ///   gap; a wildcard job has no runs in the gap;
  /// - fall back: a fixed-time job runs only in the first pass of the repeated hour, a wildcard
  ///   job in both.
  /// Nil only when nothing fires within 401 years (never, for a schedule that parsed).
  public func nextFire(after from: Timestamp, in zone: TimeZoneRules) -> Timestamp? {
    let after = floorDiv(from.epochMs, 1000)
    var lo = after + 1
    let limit = lo + 401 * 366 * 86_400
    // The transition that began the segment holding `lo`, if any.
    var segmentStart = zone.previousTransition(atOrBeforeSeconds: lo)
    while lo < limit {
      let off = Int64(zone.offset(atSeconds: lo))
      let next = zone.nextTransition(afterSeconds: lo)
      let end = min(next?.at ?? limit, limit)
      if let t = segmentStart, t.at == lo, !isWildcard, t.offsetAfter > t.offsetBefore,
        firstMatch(
          localFrom: t.at + Int64(t.offsetBefore), before: t.at + Int64(t.offsetAfter)) != nil
      {
        return Timestamp(epochMs: t.at * 1000)  // a fixed time skipped by the gap
      }
      var local = ceilToMinute(lo + off)
      if !isWildcard, let t = segmentStart, t.offsetBefore > t.offsetAfter {
        local = max(local, ceilToMinute(t.at + Int64(t.offsetBefore)))  // skip the second pass
      }
      if let l = firstMatch(localFrom: local, before: end + off) {
        return Timestamp(epochMs: (l - off) * 1000)
      }
      guard let n = next else { return nil }
      lo = n.at
      segmentStart = n
    }
    return nil
  }

  /// The next `count` fire times after `from`.
  public func nextFires(after from: Timestamp, count: Int, in zone: TimeZoneRules) -> [Timestamp] {
    var out: [Timestamp] = []
    var t = from
    while out.count < count, let n = nextFire(after: t, in: zone) {
      out.append(n)
      t = n
    }
    return out
  }

  /// The first matching local minute in [from, before), both local seconds (civil time read as
  /// UTC). Skips whole months, days and hours that cannot match, so years-away runs are cheap.
  func firstMatch(localFrom from: Int64, before: Int64) -> Int64? {
    guard from < before else { return nil }
    let c = CivilTime(utcSeconds: ceilToMinute(from))
    var (y, mo, d, h, mi) = (c.year, c.month, c.day, c.hour, c.minute)
    func nextMonth() {
      (d, h, mi) = (1, 0, 0)
      if mo == 12 { (y, mo) = (y + 1, 1) } else { mo += 1 }
    }
    func nextDay() {
      if d >= CivilTime.daysIn(month: mo, year: y) { nextMonth() } else { (d, h, mi) = (d + 1, 0, 0) }
    }
    let lastYear = y + 402
    while y <= lastYear {
      if CivilTime(year: y, month: mo, day: d, hour: h, minute: mi).secondsAsUTC >= before {
        return nil
      }
      guard let m2 = Self.next(months, atOrAfter: mo), m2 <= 12 else {
        (y, mo, d, h, mi) = (y + 1, 1, 1, 0, 0)
        continue
      }
      if m2 != mo { (mo, d, h, mi) = (m2, 1, 0, 0) }
      guard dayMatches(y, mo, d) else {
        nextDay()
        continue
      }
      guard let h2 = Self.next(hours, atOrAfter: h), h2 <= 23 else {
        nextDay()
        continue
      }
      if h2 != h { (h, mi) = (h2, 0) }
      guard let m3 = Self.next(minutes, atOrAfter: mi), m3 <= 59 else {
        if h >= 23 { nextDay() } else { (h, mi) = (h + 1, 0) }
        continue
      }
      let l = CivilTime(year: y, month: mo, day: d, hour: h, minute: m3).secondsAsUTC
      return l < before ? l : nil
    }
    return nil
  }

  /// The smallest set bit at or above `v`, or nil.
  static func next(_ set: UInt64, atOrAfter v: Int) -> Int? {
    guard v < 64 else { return nil }
    let rest = set >> UInt64(v)
    return rest == 0 ? nil : v + rest.trailingZeroBitCount
  }
}

func ceilToMinute(_ s: Int64) -> Int64 { -floorDiv(-s, 60) * 60 }
