import Testing
@Test func placeholderJSONTests() { #expect(Bool(true)) }
