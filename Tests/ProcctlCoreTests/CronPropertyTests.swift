import ProcctlCore
import Testing

/// Checks `nextFire` against a slow, obviously right reference: walk every local minute, map it
/// to instants with `resolve(local:)` and apply cronie's DST rules literally.
@Suite("Cron schedule: next fire against a brute-force reference")
struct CronPropertyTests {
  struct Rng {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
  }

  static func reference(_ s: CronSchedule, _ z: TimeZoneRules, after from: Int64) -> Int64? {
    let start = from + Int64(z.offset(atSeconds: from)) - 4 * 3600
    var local = start - ((start % 60) + 60) % 60
    var best: Int64? = nil
    while local < start + 12 * 86_400 {
      defer { local += 60 }
      guard s.matches(CivilTime(utcSeconds: local)) else { continue }
      var cands: [Int64] = []
      switch z.resolve(local: local) {
      case .unique(let i): cands = [i]
      case .fold(let a, let b): cands = s.isWildcard ? [a, b] : [a]
      case .gap(let end): cands = s.isWildcard ? [] : [end]
      }
      for c in cands where c > from && (best == nil || c < best!) { best = c }
    }
    return best
  }

  @Test(arguments: ["UTC", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe"])
  func matchesReference(_ name: String) throws {
    let z = zone(name)
    var rng = Rng(state: UInt64(name.utf8.count) * 7919)
    let minuteChoices = ["*", "*/7", "0", "30", "15,45", "0-10/5", "59", "*/20"]
    let hourChoices = ["*", "1", "2", "3", "0-3", "*/2", "1,2,3", "2-4/2", "23"]
    let dayChoices = ["*", "*/3", "25-31", "1,15"]
    let dowChoices = ["*", "sun", "mon-fri", "6,0"]
    // Start near this zone's DST changes of 2026 and at random points of the year.
    var starts: [Int64] = []
    var t: Int64 = 1_767_225_600  // 2026-01-01
    while let n = z.nextTransition(afterSeconds: t), n.at < 1_798_761_600 {
      starts.append(n.at)
      t = n.at
    }
    for _ in 0..<6 { starts.append(1_767_225_600 + Int64(rng.next(365 * 86_400))) }
    var failures: [String] = []
    for _ in 0..<120 {
      let expr = [
        minuteChoices[rng.next(minuteChoices.count)], hourChoices[rng.next(hourChoices.count)],
        dayChoices[rng.next(dayChoices.count)], "*", dowChoices[rng.next(dowChoices.count)],
      ].joined(separator: " ")
      let s = try CronSchedule(parsing: expr)
      let base = starts[rng.next(starts.count)]
      let from = base + Int64(rng.next(6 * 3600)) - 3 * 3600
      let got = s.nextFire(after: Timestamp(epochMs: from * 1000), in: z).map { $0.epochMs / 1000 }
      let want = Self.reference(s, z, after: from)
      if want != nil && got != want {
        failures.append("\(expr) after \(from): got \(String(describing: got)) want \(want!)")
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }
}
