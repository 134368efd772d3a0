import ProcctlCore

/// One `scale` argument: `NAME=N`, `NAME N`, `NAME+N`, `NAME-N` (also `NAME +N` / `NAME -N`).
///
/// `web-1` alone means "web minus one"; a process really named `web-1` is scaled with
/// `web-1=N` or `web-1 N` (a name followed by a bare number is always the `NAME N` form).
public struct ScaleTarget: Equatable, Sendable {
  public enum Change: Equatable, Sendable {
    case set(Int)
    case add(Int)
  }

  public var name: String
  public var change: Change

  public init(name: String, change: Change) {
    self.name = name
    self.change = change
  }

  /// The instance count after applying this change to `current`, checked to be 1 to 50. The sum
  /// is checked for overflow: `web+9223372036854775807` is out of range, not a crash.
  public func apply(to current: Int) throws(CoreError) -> Int {
    switch change {
    case .set(let n): return try Limits.checkInstances(n)
    case .add(let d):
      let (n, overflow) = current.addingReportingOverflow(d)
      guard !overflow, Limits.instances.contains(n) else {
        let (low, high) = (Limits.instances.lowerBound, Limits.instances.upperBound)
        let result = !overflow ? "\(n)" : d < 0 ? "less than \(low)" : "more than \(high)"
        throw .invalid(
          "scale \(name)\(d < 0 ? "" : "+")\(d): \(current) would become \(result); "
            + "instances must be between \(low) and \(high)")
      }
      return n
    }
  }

  /// Parses the positional arguments of `scale`; every malformed argument is reported.
  public static func parseAll(_ args: [String]) throws -> [ScaleTarget] {
    if args.isEmpty {
      throw CLIError.usage("missing NAME=N for 'procctl scale' (e.g. 'procctl scale web=3')")
    }
    var out: [ScaleTarget] = []
    var problems: [any Error] = []
    var i = 0
    /// "3", "+3", "-3": a count (the separate-word form, `web 3` / `web +3`).
    func isNumber(_ s: String) -> Bool {
      Limits.isWholeNumber(s.hasPrefix("+") || s.hasPrefix("-") ? s.dropFirst() : Substring(s))
    }
    while i < args.count {
      let a = args[i]
      let next = i + 1 < args.count ? args[i + 1] : nil
      if let eq = a.firstIndex(of: "=") {
        let name = String(a[..<eq])
        let value = String(a[a.index(after: eq)...])
        do {
          let n = try Limits.instances(value, relativeHint: "\(name)\(value)")
          out.append(ScaleTarget(name: name, change: .set(n)))
        } catch {
          problems.append(error)
        }
      } else if let next, isNumber(next) {
        // NAME N, NAME +N, NAME -N
        i += 1
        if next.hasPrefix("+") || next.hasPrefix("-") {
          switch delta(sign: next.first == "-", digits: next.dropFirst(), name: a) {
          case .success(let d): out.append(ScaleTarget(name: a, change: .add(d)))
          case .failure(let e): problems.append(e)
          }
        } else {
          do { out.append(ScaleTarget(name: a, change: .set(try Limits.instances(next)))) } catch {
            problems.append(error)
          }
        }
      } else if let rel = relative(a) {
        switch rel {
        case .success(let t): out.append(t)
        case .failure(let e): problems.append(e)
        }
      } else if let next {
        // NAME followed by something that is no number: "web abc"
        i += 1
        problems.append(
          CoreError.invalid(
            "invalid instances \"\(next)\" for \(a): use a whole number from \(Limits.instances.lowerBound) to \(Limits.instances.upperBound)"
          ))
      } else {
        problems.append(
          CLIError.usage(
            "missing instance count for \"\(a)\": use \(a)=N, \(a) N, \(a)+N or \(a)-N"))
      }
      i += 1
    }
    for t in out {
      if let p = Name.problem(t.name, kind: "process name") {
        problems.append(CoreError.invalid(p))
      }
    }
    var seen = Set<String>()
    for t in out where !seen.insert(t.name).inserted {
      problems.append(CLIError.usage("process \"\(t.name)\" is named more than once"))
    }
    try Problems.throwIfAny(problems)
    return out
  }

  /// "web+2" / "web-1": the last '+' or '-' followed only by digits; nil when `s` has no such
  /// form, a failure when its number does not fit.
  static func relative(_ s: String) -> Result<ScaleTarget, CoreError>? {
    guard let sign = s.lastIndex(where: { $0 == "+" || $0 == "-" }), sign != s.startIndex else {
      return nil
    }
    let digits = s[s.index(after: sign)...]
    guard Limits.isWholeNumber(digits) else { return nil }
    let name = String(s[..<sign])
    return delta(sign: s[sign] == "-", digits: digits, name: name).map {
      ScaleTarget(name: name, change: .add($0))
    }
  }

  /// The signed change of `NAME+N` / `NAME -N`. Digits too many for an `Int` can never leave a
  /// count in 1 to 50: that is said as the range error, never taken as 0.
  static func delta(sign negative: Bool, digits: Substring, name: String)
    -> Result<Int, CoreError>
  {
    if let d = Int(digits) { return .success(negative ? -d : d) }
    let (low, high) = (Limits.instances.lowerBound, Limits.instances.upperBound)
    return .failure(
      .invalid(
        "scale \(name)\(negative ? "-" : "+")\(digits): instances must be between \(low) and "
          + "\(high), so a change is at most \(high - low) either way"))
  }
}
