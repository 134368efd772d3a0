import Testing

@testable import ProcctlSupervisor

/// The strings of `a` as the child sees them (up to the NULL entry).
private func strings(_ a: CStringArray) -> [String] {
  a.withPointers { p in
    var out: [String] = []
    var i = 0
    while let s = p[i] {
      out.append(String(cString: s))
      i += 1
    }
    return out
  }
}

@Suite struct CStringArrayTests {
  @Test func holdsEachStringNulTerminatedInOrder() {
    let input = ["PATH=/usr/bin:/bin", "", "Ünïcödé=✓", "A=b\u{0}c", "x"]
    // An embedded NUL cannot pass through a C string: it becomes a space.
    #expect(strings(CStringArray(input)) == ["PATH=/usr/bin:/bin", "", "Ünïcödé=✓", "A=b c", "x"])
    #expect(CStringArray([]).withPointers { $0[0] == nil })
  }

  /// A start's environment: its own first and last entries around the process's shared block.
  @Test func composesAroundASharedBlock() {
    let shared = CStringArray(["A=1", "B=two", ""])
    let a = CStringArray(first: "ID=x\u{0}y", shared, last: "N=3")
    #expect(strings(a) == ["ID=x y", "A=1", "B=two", "", "N=3"])
  }
}
