/// Byte scans shared by the JSON reader and writer, eight bytes at a time (SWAR): a 1,000-process
/// state file is ~0.5 MB, and a byte-at-a-time loop over it was a fifth of `list --json`.
enum JSONScan {
  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highs: UInt64 = 0x8080_8080_8080_8080

  /// The index of the first byte in `from..<end` that a JSON string cannot hold as is (`"`, `\`
  /// or a control character), else `end`.
  @inline(__always)
  static func plainRun(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    var k = from
    while k + 8 <= end {
      let w = UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)
      let q = w ^ (0x22 &* ones)
      let b = w ^ (0x5C &* ones)
      // A byte of q or b is zero where w held '"' or '\'; a byte of w below 0x20 is a control.
      let t = ((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- 0x20 &* ones) & ~w)
      if t & highs != 0 { break }
      k += 8
    }
    while k < end {
      let c = p[k]
      if c == 0x22 || c == 0x5C || c < 0x20 { return k }
      k += 1
    }
    return end
  }

  /// The index of the first byte in `from..<end` that is not JSON white space, else `end`.
  @inline(__always)
  static func skipSpace(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    var k = from
    while k < end {
      let c = p[k]
      if c == 0x20 {
        // Indentation: runs of spaces, eight at a time.
        while k + 8 <= end,
          UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self) == 0x20 &* ones
        {
          k += 8
        }
        if p[k] == 0x20 { k += 1 }
        continue
      }
      if c != 0x0A && c != 0x0D && c != 0x09 { break }
      k += 1
    }
    return k
  }
}
