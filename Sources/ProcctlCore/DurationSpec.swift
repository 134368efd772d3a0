/// Durations as operators write them: "500ms", "1s", "1.5s", "2m", "1h", "1h30m", "2d"; a bare
/// number is seconds. Held as milliseconds.
public enum DurationSpec {
  /// Parses `text` into milliseconds, from 0 to `maxMs`. Both forms (bare seconds and with
  /// units) go through the same arithmetic and the same bound, so `3600` and `1h` agree and no
  /// number, however long, can overflow: each part is checked against the bound as it is added.
  public static func parseMs(_ text: String, flag: String, maxMs: Int) throws(CoreError) -> Int {
    let limit = describeLimit(ms: maxMs)
    let err = CoreError.invalid(
      "invalid \(flag) \"\(text)\": use a duration such as 500ms, 10s or 2m, from 0 to \(limit)")
    let tooLong = CoreError.invalid(
      "invalid \(flag) \"\(text)\": too long; use a duration from 0 to \(limit)")
    let s = text.trimmingSpaces
    if s.isEmpty { throw err }
    if Limits.isWholeNumber(Substring(s)) {
      // Seconds. Compared before multiplying: "9223372036854776" would overflow `* 1000`.
      guard let secs = Int(s), secs <= maxMs / 1000 else { throw tooLong }
      return secs * 1000
    }
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
      if ch.isASCII && (ch.isNumber || ch == ".") {
        if !unit.isEmpty { if !flush() { throw err } }
        num.append(ch)
      } else if ch.isASCII && ch.isLetter {
        if num.isEmpty { throw err }
        unit.append(ch)
      } else {
        throw err
      }
      // A Double holds any length of digits (up to infinity), so the bound is checked here,
      // before the total could ever be converted.
      if total > Double(maxMs) { throw tooLong }
    }
    if !flush() || !sawAny { throw err }
    let ms = total.rounded()
    if !(ms <= Double(maxMs)) { throw tooLong }
    return Int(ms)
  }

  /// A bound as the errors and help state it: whole days as "30d", else as `describe(ms:)`.
  public static func describeLimit(ms: Int) -> String {
    ms >= 86_400_000 && ms % 86_400_000 == 0 ? "\(ms / 86_400_000)d" : describe(ms: ms)
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
