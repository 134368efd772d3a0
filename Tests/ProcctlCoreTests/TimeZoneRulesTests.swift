import Foundation
import ProcctlCore
import Testing

@Suite("Time zone rules from TZif files")
struct TimeZoneRulesTests {
  /// Our TZif reading agrees with Foundation's (ICU's) offsets from 1975 to 2036.
  @Test(arguments: [
    "Europe/Amsterdam", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
    "Asia/Kolkata", "America/Santiago", "Europe/London",
  ])
  func offsetsAgreeWithFoundation(_ name: String) throws {
    let z = zone(name)
    let tz = try #require(TimeZone(identifier: name))
    var s: Int64 = 157_766_400  // 1975-01-01
    var mismatches: [String] = []
    while s < 2_114_380_800 {  // 2037-01-01
      let ours = z.offset(atSeconds: s)
      let theirs = tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(s)))
      if ours != theirs { mismatches.append("\(Timestamp(epochMs: s * 1000)): \(ours) vs \(theirs)") }
      s += 86_400 + 3_607
    }
    // ICU carries its own copy of the database; allow a stray historical difference.
    #expect(mismatches.count <= 3, "\(mismatches.prefix(5))")
  }

  /// Past the last listed transition the footer's POSIX rule takes over, and agrees with the
  /// rule alone for years well covered by the file.
  @Test func footerRuleMatchesFile() throws {
    let pairs = [
      ("Europe/Amsterdam", "CET-1CEST,M3.5.0,M10.5.0/3"),
      ("America/New_York", "EST5EDT,M3.2.0,M11.1.0"),
      ("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ]
    for (name, posix) in pairs {
      let file = zone(name)
      let rule = try TimeZoneRules(name: name, posixTZ: posix)
      var s: Int64 = 1_262_304_000  // 2010
      while s < 4_102_444_800 {  // 2100
        #expect(file.offset(atSeconds: s) == rule.offset(atSeconds: s), "\(name) at \(s)")
        s += 86_400 * 3 + 3_599
      }
    }
  }

  @Test func transitionsOf2026() throws {
    let ams = zone("Europe/Amsterdam")
    let spring = try #require(ams.nextTransition(afterSeconds: ts("2026-01-01T00:00:00Z").epochMs / 1000))
    #expect(spring == .init(at: ts("2026-03-29T01:00:00Z").epochMs / 1000, offsetBefore: 3600, offsetAfter: 7200))
    let fall = try #require(ams.nextTransition(afterSeconds: spring.at))
    #expect(fall == .init(at: ts("2026-10-25T01:00:00Z").epochMs / 1000, offsetBefore: 7200, offsetAfter: 3600))
    #expect(ams.previousTransition(atOrBeforeSeconds: fall.at) == fall)
    #expect(ams.previousTransition(atOrBeforeSeconds: fall.at - 1) == spring)
    let far = try #require(ams.nextTransition(afterSeconds: ts("2104-01-01T00:00:00Z").epochMs / 1000))
    #expect(far.at == ts("2104-03-30T01:00:00Z").epochMs / 1000)
    #expect(TimeZoneRules.utc.nextTransition(afterSeconds: 0) == nil)
    #expect(TimeZoneRules.utc.offset(atSeconds: 123) == 0)
  }

  /// Local wall-clock times: one instant, none (the gap) or two (the fold).
  @Test func localTimeMapping() {
    let ams = zone("Europe/Amsterdam")
    func l(_ s: String) -> Int64 { ts(s + "Z").epochMs / 1000 }
    func u(_ s: String) -> Int64 { ts(s).epochMs / 1000 }
    #expect(ams.resolve(local: l("2026-03-29T01:30:00")) == .unique(u("2026-03-29T00:30:00Z")))
    #expect(ams.resolve(local: l("2026-03-29T02:30:00")) == .gap(end: u("2026-03-29T01:00:00Z")))
    #expect(ams.resolve(local: l("2026-03-29T03:00:00")) == .unique(u("2026-03-29T01:00:00Z")))
    #expect(
      ams.resolve(local: l("2026-10-25T02:30:00"))
        == .fold(first: u("2026-10-25T00:30:00Z"), second: u("2026-10-25T01:30:00Z")))
    #expect(ams.resolve(local: l("2026-10-25T03:00:00")) == .unique(u("2026-10-25T02:00:00Z")))
    let ny = zone("America/New_York")
    #expect(ny.resolve(local: l("2026-03-08T02:15:00")) == .gap(end: u("2026-03-08T07:00:00Z")))
    #expect(
      ny.resolve(local: l("2026-11-01T01:15:00"))
        == .fold(first: u("2026-11-01T05:15:00Z"), second: u("2026-11-01T06:15:00Z")))
    #expect(TimeZoneRules.utc.resolve(local: 600) == .unique(600))
  }

  @Test func posixRules() throws {
    // Quoted names, minutes in offsets, Julian days, southern hemisphere.
    let z = try TimeZoneRules(name: "x", posixTZ: "<+0330>-3:30")
    #expect(z.offset(atSeconds: 0) == 12_600)
    let j = try TimeZoneRules(name: "j", posixTZ: "XST3XDT,J60/0,J300/0")
    // J60 is March 1 even in leap years; 2024-03-01T00:00 local (-03:00) is 03:00Z.
    #expect(j.offset(atSeconds: ts("2024-03-01T02:59:59Z").epochMs / 1000) == -10_800)
    #expect(j.offset(atSeconds: ts("2024-03-01T03:00:00Z").epochMs / 1000) == -7_200)
    let n = try TimeZoneRules(name: "n", posixTZ: "XST3XDT,59/0,299/0")
    // Zero-based day 59 counts February 29: 2024-02-29.
    #expect(n.offset(atSeconds: ts("2024-02-29T03:00:00Z").epochMs / 1000) == -7_200)
    let south = try TimeZoneRules(name: "s", posixTZ: "AEST-10AEDT,M10.1.0,M4.1.0/3")
    #expect(south.offset(atSeconds: ts("2026-01-15T00:00:00Z").epochMs / 1000) == 39_600)
    #expect(south.offset(atSeconds: ts("2026-07-15T00:00:00Z").epochMs / 1000) == 36_000)
    let bigHours = try TimeZoneRules(name: "g", posixTZ: "<-02>2<-01>,M3.5.0/-1,M10.5.0/0")
    #expect(bigHours.offset(atSeconds: ts("2026-07-01T00:00:00Z").epochMs / 1000) == -3_600)
    for bad in ["", "C", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0", "CET-200"] {
      #expect(throws: CoreError.self, "\(bad)") { try TimeZoneRules(name: "b", posixTZ: bad) }
    }
  }

  @Test func corruptFilesAreRejected() throws {
    let good = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/Europe/Amsterdam"))
    let bytes = [UInt8](good)
    for cut in [0, 10, 44, 100, bytes.count / 2] {
      #expect(throws: CoreError.self, "cut at \(cut)") {
        try TimeZoneRules(name: "t", tzif: Array(bytes.prefix(cut)))
      }
    }
    #expect(throws: CoreError.self) { try TimeZoneRules(name: "t", tzif: Array("hello".utf8)) }
    // A version 1 file (no 64-bit block, no footer) still parses.
    let v1 = bytes.enumerated().map { $0.offset == 4 ? UInt8(0) : $0.element }
    let z = try TimeZoneRules(name: "v1", tzif: v1)
    #expect(z.offset(atSeconds: ts("2026-07-01T00:00:00Z").epochMs / 1000) == 7200)
  }
}
