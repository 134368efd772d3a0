/// An amount of money in integer US cents. All billing arithmetic happens here, never in floating
/// point.
public struct Cents: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var value: Int
  public init(_ value: Int) { self.value = value }

  public static func < (a: Cents, b: Cents) -> Bool { a.value < b.value }
  public static func + (a: Cents, b: Cents) -> Cents { Cents(a.value + b.value) }
  public static func - (a: Cents, b: Cents) -> Cents { Cents(a.value - b.value) }
  public static func * (a: Cents, n: Int) -> Cents { Cents(a.value * n) }
  public static let zero = Cents(0)

  /// "$1,234.56"; negative amounts as "-$5.00".
  public var description: String {
    let sign = value < 0 ? "-" : ""
    let v = abs(value)
    return "\(sign)$\(grouped(v / 100)).\(pad2(v % 100))"
  }

  /// "+$5.00" / "-$5.00" / "$0.00": for differences.
  public var signedDescription: String {
    value > 0 ? "+\(description)" : description
  }

  /// Dollars as a decimal string without grouping ("1234.56"), for JSON consumers who want text.
  public var plain: String {
    let sign = value < 0 ? "-" : ""
    let v = abs(value)
    return "\(sign)\(v / 100).\(pad2(v % 100))"
  }
}

/// The billing month: prices are per instance per month of 730 hours.
public enum BillingPeriod {
  public static let hoursPerMonth = 730

  /// Hourly rate in hundredths of a cent (so $5/month = 0.68 cents/hour is exact enough to show).
  public static func hourlyMillicents(monthly: Cents) -> Int {
    // monthly cents * 1000 / 730, rounded half up: millicents per hour.
    (monthly.value * 1000 * 2 + hoursPerMonth) / (2 * hoursPerMonth)
  }

  /// "$0.0274/h": an hourly rate with four decimals of a dollar, from millicents.
  public static func hourlyDescription(monthly: Cents) -> String {
    // dollars with 4 decimals = cents*100/730 in 1/10000 dollars
    let tenThousandths = (monthly.value * 100 * 2 + hoursPerMonth) / (2 * hoursPerMonth)
    let d = tenThousandths / 10000
    let r = tenThousandths % 10000
    var rs = String(r)
    while rs.count < 4 { rs = "0" + rs }
    return "$\(d).\(rs)/h"
  }
}

func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

func grouped(_ v: Int) -> String {
  let s = String(v)
  var out = ""
  for (i, ch) in s.enumerated() {
    if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
    out.append(ch)
  }
  return out
}
