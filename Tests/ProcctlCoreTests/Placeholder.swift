import Testing
@Test func placeholderProcctlCoreTests() { #expect(Bool(true)) }
