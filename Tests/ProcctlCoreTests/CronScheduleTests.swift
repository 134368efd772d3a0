import Foundation
import ProcctlCore
import ProcctlTestSupport
import Testing

/// One row of the grammar table: expression, zone, start, and the next fire times after it.
struct FireCase: CustomStringConvertible, Sendable {
  var expr: String
  var tz: String
  var from: String
  var expected: [String]
  init(_ expr: String, _ tz: String, _ from: String, _ expected: [String]) {
    self.expr = expr
    self.tz = tz
    self.from = from
    self.expected = expected
  }
  var description: String { "\(expr) [\(tz)] after \(from)" }
}

let fireCases: [FireCase] = [
  // UTC: the grammar.
  FireCase("* * * * *", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-01T00:01:00+00:00", "2026-01-01T00:02:00+00:00"]),
  FireCase("* * * * *", "UTC", "2026-01-01T00:00:00.500Z", ["2026-01-01T00:01:00+00:00"]),
  FireCase("* * * * *", "UTC", "2026-01-01T00:00:59Z", ["2026-01-01T00:01:00+00:00"]),
  FireCase("*/15 * * * *", "UTC", "2026-01-01T00:07:30Z",
    ["2026-01-01T00:15:00+00:00", "2026-01-01T00:30:00+00:00", "2026-01-01T00:45:00+00:00",
     "2026-01-01T01:00:00+00:00"]),
  FireCase("5-50/20 * * * *", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-01T00:05:00+00:00", "2026-01-01T00:25:00+00:00", "2026-01-01T00:45:00+00:00",
     "2026-01-01T01:05:00+00:00"]),
  FireCase("*/61 * * * *", "UTC", "2026-01-01T00:30:00Z",
    ["2026-01-01T01:00:00+00:00", "2026-01-01T02:00:00+00:00"]),
  FireCase("10-20/30 */25 * * *", "UTC", "2026-01-01T00:30:00Z",
    ["2026-01-02T00:10:00+00:00", "2026-01-03T00:10:00+00:00"]),
  FireCase("0,30 9-10 * * *", "UTC", "2026-01-01T09:30:00Z",
    ["2026-01-01T10:00:00+00:00", "2026-01-01T10:30:00+00:00", "2026-01-02T09:00:00+00:00"]),
  // 2026-01-01 is a Thursday. Both fields restricted: the 1st, the 15th and every Monday.
  FireCase("0 0 1,15 * mon", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-05T00:00:00+00:00", "2026-01-12T00:00:00+00:00", "2026-01-15T00:00:00+00:00",
     "2026-01-19T00:00:00+00:00", "2026-01-26T00:00:00+00:00", "2026-02-01T00:00:00+00:00"]),
  // Day of month starts with `*`: odd days that are Mondays.
  FireCase("0 0 */2 * 1", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-05T00:00:00+00:00", "2026-01-19T00:00:00+00:00", "2026-02-09T00:00:00+00:00",
     "2026-02-23T00:00:00+00:00"]),
  FireCase("0 0 30 2 mon", "UTC", "2026-01-01T00:00:00Z",
    ["2026-02-02T00:00:00+00:00", "2026-02-09T00:00:00+00:00"]),
  FireCase("0 12 * * fri-sun", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-02T12:00:00+00:00", "2026-01-03T12:00:00+00:00", "2026-01-04T12:00:00+00:00",
     "2026-01-09T12:00:00+00:00"]),
  FireCase("0 12 * * 5-7", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-02T12:00:00+00:00", "2026-01-03T12:00:00+00:00", "2026-01-04T12:00:00+00:00"]),
  FireCase("0 12 * * SAT-sun", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-03T12:00:00+00:00", "2026-01-04T12:00:00+00:00", "2026-01-10T12:00:00+00:00"]),
  FireCase("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z",
    ["2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00"]),
  FireCase("0 0 * * 0", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00+00:00"]),
  FireCase("15 10 * JAN,Jul mon-fri", "UTC", "2026-01-30T12:00:00Z",
    ["2026-07-01T10:15:00+00:00", "2026-07-02T10:15:00+00:00", "2026-07-03T10:15:00+00:00",
     "2026-07-06T10:15:00+00:00"]),
  FireCase("0 6 1 feb-apr/2 *", "UTC", "2026-01-01T00:00:00Z",
    ["2026-02-01T06:00:00+00:00", "2026-04-01T06:00:00+00:00", "2027-02-01T06:00:00+00:00"]),
  FireCase("0 0 31 * *", "UTC", "2026-01-31T00:00:00Z",
    ["2026-03-31T00:00:00+00:00", "2026-05-31T00:00:00+00:00", "2026-07-31T00:00:00+00:00"]),
  FireCase("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00+00:00"]),
  FireCase("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z",
    ["2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00"]),
  FireCase("59 23 31 12 *", "UTC", "2026-12-31T23:59:00Z", ["2027-12-31T23:59:00+00:00"]),
  FireCase("@yearly", "UTC", "2026-01-01T00:00:00Z", ["2027-01-01T00:00:00+00:00"]),
  FireCase("@annually", "UTC", "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00+00:00"]),
  FireCase("@monthly", "UTC", "2026-01-01T00:00:00Z", ["2026-02-01T00:00:00+00:00"]),
  FireCase("@weekly", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00+00:00"]),
  FireCase("@daily", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00+00:00"]),
  FireCase("@midnight", "UTC", "2026-01-01T12:00:00Z", ["2026-01-02T00:00:00+00:00"]),
  FireCase("@hourly", "UTC", "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00+00:00"]),
  FireCase("  0\t0  * * *  ", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00+00:00"]),

  // Europe/Amsterdam, spring forward 2026-03-29 02:00 CET -> 03:00 CEST.
  FireCase("30 2 * * *", "Europe/Amsterdam", "2026-03-28T12:00:00+01:00",
    ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
  FireCase("0 2 * * *", "Europe/Amsterdam", "2026-03-28T12:00:00+01:00",
    ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"]),
  // Two fixed times in the gap and one at its end: one run at the end of the gap.
  FireCase("0,30 2-3 * * *", "Europe/Amsterdam", "2026-03-29T01:00:00+01:00",
    ["2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:00:00+02:00"]),
  FireCase("0 3 * * *", "Europe/Amsterdam", "2026-03-28T12:00:00+01:00",
    ["2026-03-29T03:00:00+02:00", "2026-03-30T03:00:00+02:00"]),
  FireCase("*/30 * * * *", "Europe/Amsterdam", "2026-03-29T01:00:00+01:00",
    ["2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"]),
  FireCase("30 * * * *", "Europe/Amsterdam", "2026-03-29T01:00:00+01:00",
    ["2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"]),
  FireCase("*/30 2 * * *", "Europe/Amsterdam", "2026-03-29T00:00:00+01:00",
    ["2026-03-30T02:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
  // The gap run is already past when starting at the end of the gap.
  FireCase("30 2 * * *", "Europe/Amsterdam", "2026-03-29T03:00:00+02:00",
    ["2026-03-30T02:30:00+02:00"]),
  FireCase("30 2 * * *", "Europe/Amsterdam", "2026-03-29T01:59:59+01:00",
    ["2026-03-29T03:00:00+02:00"]),
  // Fall back 2026-10-25 03:00 CEST -> 02:00 CET.
  FireCase("30 2 * * *", "Europe/Amsterdam", "2026-10-25T00:00:00+02:00",
    ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]),
  FireCase("45 2 * * *", "Europe/Amsterdam", "2026-10-25T02:10:00+01:00",
    ["2026-10-26T02:45:00+01:00"]),
  FireCase("45 2 * * *", "Europe/Amsterdam", "2026-10-25T02:50:00+02:00",
    ["2026-10-26T02:45:00+01:00"]),
  FireCase("30 * * * *", "Europe/Amsterdam", "2026-10-25T01:45:00+02:00",
    ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00"]),
  FireCase("*/20 2 * * *", "Europe/Amsterdam", "2026-10-25T01:00:00+02:00",
    ["2026-10-25T02:00:00+02:00", "2026-10-25T02:20:00+02:00", "2026-10-25T02:40:00+02:00",
     "2026-10-25T02:00:00+01:00", "2026-10-25T02:20:00+01:00", "2026-10-25T02:40:00+01:00",
     "2026-10-26T02:00:00+01:00"]),
  FireCase("0 0 29 2 *", "Europe/Amsterdam", "2096-03-01T00:00:00+01:00",
    ["2104-02-29T00:00:00+01:00"]),
  FireCase("0 9 * * mon-fri", "Europe/Amsterdam", "2026-03-27T10:00:00+01:00",
    ["2026-03-30T09:00:00+02:00", "2026-03-31T09:00:00+02:00"]),
  FireCase("@daily", "Europe/Amsterdam", "2026-10-24T12:00:00+02:00",
    ["2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"]),

  // America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT.
  FireCase("30 2 * * *", "America/New_York", "2026-03-07T12:00:00-05:00",
    ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
  FireCase("@hourly", "America/New_York", "2026-03-08T00:30:00-05:00",
    ["2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"]),
  FireCase("15 2 8 3 *", "America/New_York", "2026-01-01T00:00:00-05:00",
    ["2026-03-08T03:00:00-04:00", "2027-03-08T02:15:00-05:00"]),
  // Fall back 2026-11-01 02:00 EDT -> 01:00 EST.
  FireCase("0 1 * * *", "America/New_York", "2026-10-31T12:00:00-04:00",
    ["2026-11-01T01:00:00-04:00", "2026-11-02T01:00:00-05:00"]),
  FireCase("*/30 1 * * *", "America/New_York", "2026-11-01T00:00:00-04:00",
    ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00",
     "2026-11-01T01:30:00-05:00", "2026-11-02T01:00:00-05:00"]),
  FireCase("30 1 * * sun", "America/New_York", "2026-11-01T01:40:00-04:00",
    ["2026-11-08T01:30:00-05:00"]),
]

@Suite("Cron schedule: next fire times")
struct CronNextFireTests {
  @Test(arguments: fireCases)
  func nextFires(_ c: FireCase) throws {
    let z = zone(c.tz)
    let s = try CronSchedule(parsing: c.expr)
    let got = s.nextFires(after: ts(c.from), count: c.expected.count, in: z).map { local($0, z) }
    #expect(got == c.expected)
  }

  @Test func wildcardClassification() throws {
    #expect(try CronSchedule(parsing: "* 2 * * *").isWildcard)
    #expect(try CronSchedule(parsing: "30 * * * *").isWildcard)
    #expect(try CronSchedule(parsing: "*/5 1 * * *").isWildcard)
    #expect(try CronSchedule(parsing: "@hourly").isWildcard)
    #expect(try !CronSchedule(parsing: "30 2 * * *").isWildcard)
    #expect(try !CronSchedule(parsing: "0-59 0-23 * * *").isWildcard)
    #expect(try !CronSchedule(parsing: "@daily").isWildcard)
    #expect(try CronSchedule(parsing: "0 0 1 1 *").expression == "0 0 1 1 *")
  }

  /// Years-away runs come from skipping months and days, not walking minutes.
  @Test func farAwayRunsAreFound() throws {
    // Day of month starts with `*` (1st and 29th), so a day must also be a Monday.
    let s = try CronSchedule(parsing: "0 0 */28 2 mon")
    let got = s.nextFires(after: ts("2026-01-01T00:00:00Z"), count: 7, in: .utc)
    #expect(got.map { String(local($0, .utc).prefix(10)) } == [
      "2027-02-01", "2038-02-01", "2044-02-01", "2044-02-29", "2049-02-01", "2055-02-01",
      "2066-02-01",
    ])
    // Both restricted: February's Mondays, or the 29th.
    let either = try CronSchedule(parsing: "0 0 29 2 1")
    let first = either.nextFires(after: ts("2026-01-01T00:00:00Z"), count: 2, in: .utc)
    #expect(first.map { String(local($0, .utc).prefix(10)) } == ["2026-02-02", "2026-02-09"])
  }
}

@Suite("Cron schedule: rejected expressions")
struct CronRejectTests {
  @Test(arguments: badSchedules)
  func rejected(_ c: BadSchedule) {
    #expect(throws: CoreError.invalid("invalid schedule \"\(c.expr)\": \(c.message)")) {
      try CronSchedule(parsing: c.expr)
    }
  }
}
