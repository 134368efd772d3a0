import Foundation
import ProcctlCore

/// Loads a zone from the system database for tests (the store's loader lives a layer up).
func zone(_ name: String) -> TimeZoneRules {
  if name == "UTC" { return .utc }
  guard let data = FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + name),
    let rules = try? TimeZoneRules(name: name, tzif: [UInt8](data))
  else { fatalError("time zone \(name) missing: install tzdata") }
  return rules
}

/// RFC 3339 with the zone's offset at that instant, as `procctl cron next` prints it.
func local(_ t: Timestamp, _ z: TimeZoneRules) -> String {
  t.rfc3339(offsetSeconds: z.offset(at: t), fraction: false, zulu: false)
}

func ts(_ s: String) -> Timestamp {
  guard let t = Timestamp.parse(s) else { fatalError("bad timestamp \(s)") }
  return t
}
