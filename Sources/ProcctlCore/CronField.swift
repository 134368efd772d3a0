/// One of the five fields of a cron expression: its range, its names, and the parser of its
/// elements (`*`, `*/s`, `n`, `a-b`, `a-b/s`, joined by commas), following cronie.
struct CronField: Sendable {
  /// Why a field was rejected; the schedule's message adds the expression and the field.
  struct Problem: Error {
    var text: String
  }

  let name: String
  let low: Int
  let high: Int
  /// Three-letter names, lowercase; index i stands for value low + i.
  let names: [String]
  let isDayOfWeek: Bool

  static let monthNames = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]
  static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
  static let fullMonthNames = [
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
  ]
  static let fullDayNames = [
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "tues", "wednes", "thur", "thurs",
  ]

  static let all = [
    CronField(name: "minute", low: 0, high: 59, names: [], isDayOfWeek: false),
    CronField(name: "hour", low: 0, high: 23, names: [], isDayOfWeek: false),
    CronField(name: "day-of-month", low: 1, high: 31, names: [], isDayOfWeek: false),
    CronField(name: "month", low: 1, high: 12, names: monthNames, isDayOfWeek: false),
    CronField(name: "day-of-week", low: 0, high: 7, names: dayNames, isDayOfWeek: true),
  ]

  var allowed: String {
    let numbers = "\(low)-\(high)"
    if isDayOfWeek { return "\(numbers) (0 and 7 are Sunday) or sun-sat" }
    return names.isEmpty ? numbers : "\(numbers) or jan-dec"
  }

  /// The set of matching values as a bit set (day of week: 7 folded onto 0).
  func parse(_ text: String) throws(Problem) -> UInt64 {
    var set: UInt64 = 0
    for element in text.split(separator: ",", omittingEmptySubsequences: false) {
      set |= try parseElement(String(element))
    }
    if isDayOfWeek && set & (1 << 7) != 0 { set = (set & ~(1 << 7)) | 1 }
    return set
  }

  private func parseElement(_ e: String) throws(Problem) -> UInt64 {
    if e.isEmpty { throw Problem(text: "empty element in the list; allowed: \(allowed)") }
    try rejectUnsupported(e)
    let parts = e.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard parts.count <= 2 else { throw Problem(text: "\"\(e)\" has more than one step") }
    let base = parts[0]
    var step = 1
    if parts.count == 2 {
      guard let s = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else {
        throw Problem(text: "step \"\(parts[1])\" in \"\(e)\" is not a number")
      }
      guard s >= 1 else { throw Problem(text: "step 0 in \"\(e)\"; a step must be at least 1") }
      step = s
    }
    var first: Int
    var last: Int
    if base == "*" {
      (first, last) = (low, high)
    } else {
      let ends = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
      guard ends.count <= 2, !ends.contains(where: \.isEmpty) else {
        throw Problem(text: "\"\(e)\" is malformed; use n, a-b, a-b/s, * or */s")
      }
      first = try value(ends[0])
      if ends.count == 1 {
        guard parts.count == 1 else {
          throw Problem(
            text:
              "\"\(e)\" has a step without a range; use a range with a step such as"
              + " \"\(ends[0])-\(high)/\(step)\" or \"*/\(step)\"")
        }
        last = first
      } else {
        last = try value(ends[1])
        // In day of week, a range ending in Sunday (0) ends at the end of the week: fri-sun.
        if isDayOfWeek && last == 0 && first > 0 { last = 7 }
        guard first <= last else {
          throw Problem(
            text: "range \"\(base)\" is reversed; the start must not be after the end")
        }
      }
    }
    var set: UInt64 = 0
    // A step larger than the range keeps only the first value (`*/61` in minutes is 0).
    for v in stride(from: first, through: last, by: step) { set |= 1 << UInt64(v) }
    return set
  }

  /// A number within the range or, in the month and day-of-week fields, a three-letter name.
  private func value(_ s: String) throws(Problem) -> Int {
    if s.allSatisfy(\.isASCIIDigit) {
      guard s.count <= 3, let v = Int(s), v >= low, v <= high else {
        throw Problem(text: "value \(s) is out of range; allowed: \(allowed)")
      }
      return v
    }
    let lower = s.lowercased()
    if let i = names.firstIndex(of: lower) { return low + i }
    if !names.isEmpty && (Self.fullMonthNames + Self.fullDayNames).contains(lower) {
      throw Problem(text: "\"\(s)\" is a full name; use three-letter names: \(allowed)")
    }
    if Self.monthNames.contains(lower) || Self.dayNames.contains(lower)
      || Self.fullMonthNames.contains(lower) || Self.fullDayNames.contains(lower)
    {
      let kind = Self.monthNames.contains(lower) || Self.fullMonthNames.contains(lower)
        ? "a month name" : "a day name"
      throw Problem(text: "\"\(s)\" is \(kind), not allowed in this field; allowed: \(allowed)")
    }
    throw Problem(text: "\"\(s)\" is not a valid value; allowed: \(allowed)")
  }

  /// Extensions of other crons that cronie does not have: L, W, #, ?, H, ~.
  private func rejectUnsupported(_ e: String) throws(Problem) {
    let upper = e.uppercased()
    let special: Character? =
      e.first(where: { "#?~".contains($0) })
      ?? (upper == "L" || upper == "LW" || upper.hasPrefix("L-") ? "L" : nil)
      ?? (upper == "W" ? "W" : nil)
      ?? (upper.hasPrefix("H") ? "H" : nil)
      ?? (e.first?.isASCIIDigit == true && (upper.hasSuffix("L") || upper.hasSuffix("W"))
        ? upper.last : nil)
    if let c = special {
      throw Problem(
        text: "\"\(c)\" is not supported (cronie has no L, W, #, ?, H or ~); allowed: \(allowed)")
    }
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
