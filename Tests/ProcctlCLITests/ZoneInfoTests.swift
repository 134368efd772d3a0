import ProcctlCore
import ProcctlStore
import Testing

@Suite("Time zone database loading")
struct ZoneInfoTests {
  @Test func loadsZones() throws {
    #expect(try ZoneInfo.load("UTC") == .utc)
    let ams = try ZoneInfo.load("Europe/Amsterdam")
    #expect(ams.name == "Europe/Amsterdam")
    #expect(ams.offset(atSeconds: 1_782_864_000) == 7200)  // 2026-07-01
    #expect(try ZoneInfo.load("America/New_York").offset(atSeconds: 1_782_864_000) == -14_400)
    try ZoneInfo.validate("Asia/Kolkata")
  }

  @Test(arguments: [
    "", "Nowhere/City", "../etc/passwd", "Europe/../../etc/passwd", "/etc/localtime",
    "America", "zone.tab", "./UTC", "Europe/amsterdam",
  ])
  func rejectsUnknownNames(_ name: String) {
    #expect(
      throws: CoreError.invalid(
        "unknown time zone \"\(name)\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York"
      )
    ) { try ZoneInfo.validate(name) }
  }
}
