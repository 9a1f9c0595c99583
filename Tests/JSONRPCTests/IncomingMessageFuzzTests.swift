import JSON
import JSONRPC
import TestSupport
import Testing

/// Classification of whatever parses, damaged requests included: a request or notification is only ever what
/// JSON-RPC 2.0 calls one, and an invalid message keeps its id whenever the id could be read.
@Suite struct IncomingMessageFuzzTests {
  @Test func everyParsedValueIsClassifiedByTheRules() async {
    for seed in FuzzBudget.seeds(default: 1500) {
      await Task.yield()
      var messages = RandomMessages(seed: seed, methods: ["ping", "m"])
      var mutator = ByteMutator(seed: seed)
      let bytes = mutator.mutate(JSONWriter.bytes(messages.message()))
      guard let value = try? JSONParser.parse(bytes) else { continue }
      let members = value.objectValue
      switch IncomingMessage(value) {
      case .request(let id, let method, let params):
        #expect(members?["jsonrpc"] == "2.0" && members?["method"] == .string(method), "seed \(seed)")
        #expect(members?["id"].flatMap(RequestID.init) == id, "seed \(seed)")
        #expect(params == nil || params?.objectValue != nil || params?.arrayValue != nil, "seed \(seed)")
      case .notification(let method, _):
        #expect(members?["jsonrpc"] == "2.0" && members?["method"] == .string(method), "seed \(seed)")
        #expect(members?["id"] == nil, "seed \(seed)")
      case .response:
        #expect(members?["method"] == nil && (members?["result"] != nil || members?["error"] != nil), "seed \(seed)")
      case .invalid(let id, _):
        #expect(id == nil || members?["id"].flatMap(RequestID.init) == id, "seed \(seed)")
      }
    }
  }
}
