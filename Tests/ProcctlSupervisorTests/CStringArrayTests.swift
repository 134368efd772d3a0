import Testing

@testable import ProcctlSupervisor

@Suite struct CStringArrayTests {
  @Test func holdsEachStringNulTerminatedInOrder() {
    let input = ["PATH=/usr/bin:/bin", "", "Ünïcödé=✓", "A=b\u{0}c", "x"]
    let a = CStringArray(input)
    let back: [String] = a.withPointers { p in
      var out: [String] = []
      var i = 0
      while let s = p[i] {
        out.append(String(cString: s))
        i += 1
      }
      return out
    }
    // An embedded NUL cannot pass through a C string: it becomes a space.
    #expect(back == ["PATH=/usr/bin:/bin", "", "Ünïcödé=✓", "A=b c", "x"])
    #expect(CStringArray([]).withPointers { $0[0] == nil })
  }
}
