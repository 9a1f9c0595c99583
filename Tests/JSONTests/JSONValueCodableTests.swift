import Foundation
import JSON
import Testing

@Suite struct JSONValueCodableTests {
  struct Envelope: Codable, Equatable {
    var kind: String
    var payload: JSONValue
  }

  @Test func conveniencesRoundTripThroughJSONValue() throws {
    let envelope = Envelope(kind: "k", payload: ["a": [1, 2.5, "x", nil, true]])
    let value = try JSONValue(encoding: envelope)
    #expect(value == ["kind": "k", "payload": ["a": [1, 2.5, "x", nil, true]]])
    #expect(try value.decode(as: Envelope.self) == envelope)
    let typed: Envelope = try value.decode()
    #expect(typed == envelope)
  }

  @Test(
    arguments: [
      #"{"kind":"k","payload":null}"#,
      #"{"kind":"k","payload":{"a":[1,2.5,"x",null,true,false,{}],"b":-7}}"#,
      #"{"kind":"k","payload":"s"}"#,
      #"{"kind":"k","payload":[]}"#,
    ]
  )
  func jsonValueFieldsWorkWithFoundationCoders(text: String) throws {
    let viaFoundation = try JSONDecoder().decode(Envelope.self, from: Data(text.utf8))
    let viaOurs = try JSONValueDecoder().decode(Envelope.self, from: JSONParser.parse(text))
    #expect(viaFoundation == viaOurs)

    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let reencoded = try encoder.encode(viaFoundation)
    #expect(try JSONParser.parse(reencoded) == JSONParser.parse(text))
  }

  @Test func foundationDecodingKeepsIntegersAndDoublesApart() throws {
    let decoded = try JSONDecoder().decode([JSONValue].self, from: Data("[1,1.5,true,null]".utf8))
    #expect(decoded == [.int(1), .double(1.5), .bool(true), .null])
    if case .bool = decoded[2] {} else { Issue.record("true must not decode as a number") }
  }
}
