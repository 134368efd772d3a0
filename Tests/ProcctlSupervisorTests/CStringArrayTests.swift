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

  /// A start's environment: its own first and last entries around the process's shared block.
  @Test func composesAroundASharedBlock() {
    let shared = CStringArray(["A=1", "B=two", ""])
    let a = CStringArray(first: "ID=x\u{0}y", shared, last: "N=3")
    let back: [String] = a.withPointers { p in
      var out: [String] = []
      var i = 0
      while let s = p[i] {
        out.append(String(cString: s))
        i += 1
      }
      return out
    }
    #expect(back == ["ID=x y", "A=1", "B=two", "", "N=3"])
  }
}
