import Testing
@Test func placeholderJSONRPCTests() { #expect(Bool(true)) }
