import JSON
import Testing

@Suite struct JSONStreamingMembersTests {
  func stream(_ text: String) throws -> (members: [String: JSONValue], streamed: [(String, JSONValue)]) {
    var streamed: [(String, JSONValue)] = []
    let members = try JSONParser.parseObject(Array(text.utf8), streamingMembersOf: "tokens") {
      streamed.append(($0, $1))
    }
    return (members, streamed)
  }

  /// Keys that Swift's `String` equality merges (precomposed and decomposed `é`) and exact duplicates all arrive, in
  /// document order, so the caller decides how to key them.
  @Test func handsOverEveryMemberInOrderWithoutMerging() throws {
    let (members, streamed) = try stream(
      #"{"version": 1, "tokens": {"caf\u00e9": 1, "cafe\u0301": 2, "p": {"x": [true]}, "p": null}, "z": "s"}"#
    )
    #expect(members == ["version": 1, "tokens": [:], "z": "s"])
    #expect(
      streamed.map { Array($0.0.unicodeScalars) }
        == ["caf\u{E9}", "cafe\u{301}", "p", "p"].map { Array($0.unicodeScalars) }
    )
    #expect(streamed.map(\.1) == [1, 2, ["x": [true]], nil])
  }

  @Test func aMissingOrNonObjectMemberIsReturnedAsItIs() throws {
    #expect(try stream(#"{"a": 1}"#).members == ["a": 1])
    #expect(try stream(#"{"tokens": null}"#).members == ["tokens": nil])
    #expect(try stream(#"{"tokens": [1]}"#).members == ["tokens": [1]])
    #expect(try stream(#"{"tokens": {}}"#).members == ["tokens": [:]])
    #expect(try stream(#"{"tokens": {}}"#).streamed.isEmpty)
  }

  @Test func malformedMembersAreRefused() {
    for text in [#"{"tokens": {"a" 1}}"#, #"{"tokens": {"a": 1,}}"#, #"{"tokens": {"a": 1}"#, #"{"tokens": {1: 2}}"#] {
      #expect(throws: JSONParseError.self, "\(text)") { try stream(text) }
    }
  }
}
