import JSON
import JSONRPC
import Testing

@Suite struct IncomingMessageTests {
  @Test(arguments: [
    (#"{"jsonrpc":"2.0","id":0,"method":"m"}"#, IncomingMessage.request(id: .int(0), method: "m", params: nil)),
    (#"{"jsonrpc":"2.0","id":"7","method":"m"}"#, .request(id: .string("7"), method: "m", params: nil)),
    (#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#, .request(id: .double(1.5), method: "m", params: nil)),
    (#"{"jsonrpc":"2.0","id":null,"method":"m"}"#, .request(id: .null, method: "m", params: nil)),
    (#"{"jsonrpc":"2.0","id":1,"method":"m","params":null}"#, .request(id: .int(1), method: "m", params: nil)),
    (#"{"jsonrpc":"2.0","id":1,"method":"m","params":[1]}"#, .request(id: .int(1), method: "m", params: [1])),
    (#"{"jsonrpc":"2.0","method":"n","params":{"a":1}}"#, .notification(method: "n", params: ["a": 1])),
    (#"{"jsonrpc":"2.0","id":1,"result":{}}"#, .response),
    (#"{"jsonrpc":"2.0","id":1,"error":{"code":1}}"#, .response),
    (
      #"{"jsonrpc":"2.0","id":true,"method":"m"}"#,
      .invalid(id: nil, reason: "\"id\" must be a string, a number or null")
    ),
    (
      #"{"jsonrpc":"2.0","id":{},"method":"m"}"#, .invalid(id: nil, reason: "\"id\" must be a string, a number or null")
    ),
    (#"{"id":4,"method":"m"}"#, .invalid(id: .int(4), reason: "\"jsonrpc\" must be \"2.0\"")),
    (#"{"jsonrpc":"1.0","id":4,"method":"m"}"#, .invalid(id: .int(4), reason: "\"jsonrpc\" must be \"2.0\"")),
    (#"{"jsonrpc":"2.0","id":5,"method":1}"#, .invalid(id: .int(5), reason: "\"method\" must be a string")),
    (
      #"{"jsonrpc":"2.0","id":6,"method":"m","params":"bar"}"#,
      .invalid(id: .int(6), reason: "\"params\" must be an object or an array")
    ),
    (#"{"jsonrpc":"2.0","id":6}"#, .invalid(id: .int(6), reason: "missing \"method\"")),
    (#"1"#, .invalid(id: nil, reason: "a request must be a JSON object")),
    (#""x""#, .invalid(id: nil, reason: "a request must be a JSON object")),
  ])
  func classifiesMessages(text: String, expected: IncomingMessage) throws {
    #expect(IncomingMessage(try JSONParser.parse(Array(text.utf8))) == expected)
  }
}
