import Testing
@Test func placeholderProcctlCLITests() { #expect(Bool(true)) }
