/// Durations as operators write them: "500ms", "1s", "1.5s", "2m", "1h", "1h30m"; a bare number
/// is seconds. Held as milliseconds.
public enum DurationSpec {
  public static func parseMs(_ text: String, flag: String) throws(CoreError) -> Int {
    let err = CoreError.invalid(
      "invalid \(flag) \"\(text)\": use a duration such as 500ms, 10s, 2m or 1h (0 or more)")
    let s = text.trimmingSpaces
    if s.isEmpty { throw err }
    if let secs = Int(s) { if secs < 0 { throw err }; return secs * 1000 }
    var total = 0.0
    var num = ""
    var unit = ""
    var sawAny = false
    func flush() -> Bool {
      guard !num.isEmpty, let v = Double(num), v >= 0 else { return false }
      let mult: Double
      switch unit {
      case "ms": mult = 1
      case "s": mult = 1000
      case "m": mult = 60_000
      case "h": mult = 3_600_000
      case "d": mult = 86_400_000
      default: return false
      }
      total += v * mult
      num = ""
      unit = ""
      sawAny = true
      return true
    }
    for ch in s {
      if ch.isNumber || ch == "." {
        if !unit.isEmpty { if !flush() { throw err } }
        num.append(ch)
      } else if ch.isLetter {
        if num.isEmpty { throw err }
        unit.append(ch)
      } else {
        throw err
      }
    }
    if !flush() || !sawAny { throw err }
    if total > Double(Int32.max) * 1000 { throw err }
    return Int(total.rounded())
  }

  /// "1s", "250ms", "1m30s", "2h": the shortest exact description.
  public static func describe(ms: Int) -> String {
    if ms == 0 { return "0s" }
    if ms % 1000 != 0 {
      return ms < 1000 ? "\(ms)ms" : "\(ms / 1000).\(pad3(ms % 1000))s".replacingTrailingZeros
    }
    var s = ms / 1000
    var out = ""
    if s >= 3600 { out += "\(s / 3600)h"; s %= 3600 }
    if s >= 60 { out += "\(s / 60)m"; s %= 60 }
    if s > 0 { out += "\(s)s" }
    return out
  }

  private static func pad3(_ v: Int) -> String {
    v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)"
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s = s.dropFirst() }
    while s.last == " " || s.last == "\t" { s = s.dropLast() }
    return String(s)
  }

  fileprivate var replacingTrailingZeros: String {
    // "1.500s" -> "1.5s"
    guard hasSuffix("s"), contains(".") else { return self }
    var body = String(dropLast())
    while body.hasSuffix("0") { body.removeLast() }
    if body.hasSuffix(".") { body.removeLast() }
    return body + "s"
  }
}
