import Testing
@Test func placeholderProcctlSupervisorTests() { #expect(Bool(true)) }
