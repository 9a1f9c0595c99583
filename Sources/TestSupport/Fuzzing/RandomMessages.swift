package import JSON

/// JSON-RPC traffic for fuzzing the framers and the engine, reproducibly from a seed: requests, notifications,
/// responses, batches, and values that are almost requests (wrong `jsonrpc`, odd ids and params).
package struct RandomMessages {
  package var json: RandomJSON
  private let methods: [String]

  /// - Parameter methods: the method names requests use; callers pick ones that are safe to run many times.
  package init(seed: UInt64, methods: [String]) {
    json = RandomJSON(seed: seed ^ 0x7270_6373)
    self.methods = methods
  }

  /// A well-formed request with the given id, sometimes with params.
  package mutating func request(id: JSONValue) -> JSONValue {
    var members: [String: JSONValue] = [
      "jsonrpc": "2.0", "id": id, "method": .string(methods.randomElement(using: &json.generator) ?? "ping"),
    ]
    if Bool.random(using: &json.generator) { members["params"] = params() }
    return .object(members)
  }

  /// Any message a client might send, well-formed or not.
  package mutating func message() -> JSONValue {
    switch Int.random(in: 0..<8, using: &json.generator) {
    case 0: return request(id: .int(json.int()))
    case 1: return request(id: .string(json.string()))
    case 2:
      return ["jsonrpc": "2.0", "method": .string(methods.randomElement(using: &json.generator) ?? "ping")]
    case 3: return ["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": .int(json.int())]]
    case 4: return ["jsonrpc": "2.0", "id": json.value(depth: 4), "result": json.value(depth: 3)]
    case 5:
      var members: [String: JSONValue] = ["jsonrpc": json.value(depth: 5), "id": json.value(depth: 4)]
      members["method"] = Bool.random(using: &json.generator) ? json.value(depth: 5) : "ping"
      members["params"] = json.value(depth: 3)
      return .object(members)
    case 6:
      return .array((0..<Int.random(in: 0...4, using: &json.generator)).map { _ in request(id: .int(json.int())) })
    default: return json.value()
    }
  }

  private mutating func params() -> JSONValue {
    switch Int.random(in: 0..<4, using: &json.generator) {
    case 0: return [:]
    case 1: return .array([json.value(depth: 4)])
    case 2: return ["_meta": ["progressToken": .int(json.int())]]
    default: return .object([json.string(): json.value(depth: 3)])
    }
  }
}
