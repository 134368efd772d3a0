import ProcctlCore
import Testing

/// `Timestamp.description` has a fast path; it must print what the general formatter prints.
@Suite struct TimestampDescriptionTests {
  @Test(arguments: [
    Int64(0), 1, 999, 1000, 1_796_325_555_123, 951_782_400_000, 4_102_444_799_999,
    253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001,
  ])
  func fastPathMatchesGeneralFormatter(ms: Int64) {
    let t = Timestamp(epochMs: ms)
    #expect(t.description == t.rfc3339(offsetSeconds: 0, fraction: true))
  }
}
