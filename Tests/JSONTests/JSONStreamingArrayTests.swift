import Foundation
import JSON
import Testing

@Suite struct JSONStreamingArrayTests {
  func stream(_ text: String, key: String = "items") throws -> (members: [String: JSONValue], elements: [JSONValue]) {
    var elements: [JSONValue] = []
    let members = try JSONParser.parseObject(Data(text.utf8), streamingArray: key) { elements.append($0) }
    return (members, elements)
  }

  @Test func handsOverEachElementAndReturnsTheOtherMembers() throws {
    let (members, elements) = try stream(
      #" {"a": 1, "items": [ {"x": [1, {"y": null}]}, "s", 2.5, [] ], "b": {"c": true} } "#
    )
    #expect(members == ["a": 1, "b": ["c": true]])
    #expect(elements == [["x": [1, ["y": nil]]], "s", 2.5, []])
  }

  @Test func matchesTheOrdinaryParseOnRandomShapes() throws {
    let text = #"{"items":[{"token_id":"t1","creation_time":1},{"token_id":"t2","expiry_time":-1}],"next":"x"}"#
    let whole = try JSONParser.parse(text)
    let (members, elements) = try stream(text)
    #expect(JSONValue.array(elements) == whole["items"])
    #expect(members["next"] == whole["next"])
  }

  @Test func anEmptyOrMissingArrayIsNoElements() throws {
    #expect(try stream(#"{}"#).elements.isEmpty)
    #expect(try stream(#"{"items":[]}"#).elements.isEmpty)
    #expect(try stream(#"{"other":[1]}"#).members == ["other": [1]])
    #expect(try stream(#"{"items":"not an array"}"#).members == ["items": "not an array"])
  }

  @Test(arguments: [
    "", "[]", #"{"items":[1,]}"#, #"{"items":[1 2]}"#, #"{"items":[1]"#, #"{"items":[1]} x"#, #"{"a" 1}"#, #"{"a":1,}"#,
    #"{1:2}"#,
  ])
  func rejectsWhatTheParserRejects(_ text: String) {
    #expect(throws: JSONParseError.self) { try stream(text) }
  }
}
