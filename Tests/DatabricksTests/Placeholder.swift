import Testing

@Test func placeholderDatabricksTests() { #expect(Bool(true)) }
