/// Proleptic Gregorian calendar arithmetic on plain integers (Howard Hinnant's algorithms), so the
/// model can format and schedule times without Foundation's calendar machinery.
public struct CivilTime: Hashable, Sendable, Comparable {
  public var year: Int
  public var month: Int  // 1...12
  public var day: Int  // 1...31
  public var hour: Int
  public var minute: Int
  public var second: Int

  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
  }

  /// Days since 1970-01-01 of a civil date.
  public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  /// The civil date of a day count since 1970-01-01.
  public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  /// 0 = Sunday ... 6 = Saturday.
  public static func weekday(daysSinceEpoch z: Int) -> Int {
    let w = (z + 4) % 7  // 1970-01-01 was a Thursday
    return w < 0 ? w + 7 : w
  }

  public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

  public static func daysIn(month m: Int, year y: Int) -> Int {
    switch m {
    case 2: return isLeap(y) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Seconds since the epoch when this civil time is read as UTC.
  public var secondsAsUTC: Int64 {
    Int64(CivilTime.daysFromCivil(year, month, day)) * 86400
      + Int64(hour * 3600 + minute * 60 + second)
  }

  /// The civil time (in UTC) of a number of seconds since the epoch.
  public init(utcSeconds s: Int64) {
    var days = Int(s / 86400)
    var rem = Int(s % 86400)
    if rem < 0 { rem += 86400; days -= 1 }
    let (y, m, d) = CivilTime.civilFromDays(days)
    self.init(year: y, month: m, day: d, hour: rem / 3600, minute: rem % 3600 / 60, second: rem % 60)
  }

  public static func < (a: CivilTime, b: CivilTime) -> Bool { a.secondsAsUTC < b.secondsAsUTC }
}
