/// Names of applications and processes. They become file names, cgroup names and Kubernetes
/// object names, so they follow the DNS-label rule: lowercase letters, digits and '-', starting
/// with a letter, at most 63 characters.
public enum Name {
  public static let maxLength = 63

  /// Returns nil when `name` is valid, else the one-line error message with a suggestion, e.g.
  /// `invalid name "Price calculation": use lowercase letters, digits and '-' (e.g.
  /// price-calculation)`. `kind` ("process name", "application name") words the rarer cases.
  public static func problem(_ name: String, kind: String = "name") -> String? {
    if isValid(name) { return nil }
    let example = suggestion(for: name).map { " (e.g. \($0))" } ?? ""
    let u = Array(name.utf8)
    if !u.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) || u.isEmpty {
      return "invalid name \"\(name)\": use lowercase letters, digits and '-'\(example)"
    }
    if u.count > maxLength {
      return "invalid name \"\(name)\": a \(kind) has at most \(maxLength) characters, got \(u.count)"
        + example
    }
    if let first = u.first, !isLower(first) {
      return "invalid name \"\(name)\": a \(kind) must start with a letter\(example)"
    }
    return "invalid name \"\(name)\": a \(kind) must not end with '-'\(example)"
  }

  public static func validate(_ name: String, kind: String = "name") throws(CoreError) {
    if let p = problem(name, kind: kind) { throw .invalid(p) }
  }

  /// One pass over the UTF-8 view, no copy: every process of the state file is checked with it
  /// when the file is read.
  public static func isValid(_ name: String) -> Bool {
    var count = 0
    var last: UInt8 = 0
    for c in name.utf8 {
      if count == 0 ? !isLower(c) : !(isLower(c) || isDigit(c) || c == UInt8(ascii: "-")) {
        return false
      }
      count += 1
      last = c
    }
    return count > 0 && count <= maxLength && last != UInt8(ascii: "-")
  }

  /// Like `problem(_:kind:)`, saying where the name came from (`PROCCTL_APP`):
  /// `invalid name "BAD" (from PROCCTL_APP): ...`.
  public static func problem(_ name: String, kind: String, from origin: String) -> String? {
    guard let p = problem(name, kind: kind) else { return nil }
    let head = "invalid name \"\(name)\""
    guard p.hasPrefix(head) else { return p }
    return head + " (from \(origin))" + p.dropFirst(head.count)
  }

  /// A valid name close to `name`: lowercased, other characters folded into single dashes.
  public static func suggestion(for name: String) -> String? {
    var out: [UInt8] = []
    for c in name.lowercased().utf8 {
      if isLower(c) || isDigit(c) {
        out.append(c)
      } else if out.last != UInt8(ascii: "-") {
        out.append(UInt8(ascii: "-"))
      }
    }
    while let f = out.first, !isLower(f) { out.removeFirst() }
    if out.count > maxLength { out = Array(out.prefix(maxLength)) }
    while out.last == UInt8(ascii: "-") { out.removeLast() }
    let s = String(decoding: out, as: UTF8.self)
    return isValid(s) ? s : nil
  }

  private static func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
  private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
