import JSON

/// MCP 2026-07-28 `server/discover`: the versions and capabilities of this server, always answered.
///
/// Dual-era clients probe with it first; the answer advertises the stateless revision and the latest `initialize`
/// revision, so such a client goes stateless and a legacy one still finds `initialize`. It is answered whatever
/// version the probe carries (the answer is how the client learns what to speak), always in the modern shape.
enum ServerDiscover: RPCMethod {
  static let name = "server/discover"

  static func handle(_ params: NoParams, _ call: MethodCall) async throws -> JSONValue {
    let result: JSONValue = [
      "supportedVersions": .array(MCPEra.supportedVersions.map(JSONValue.string)),
      "capabilities": ["tools": [:]],
      "instructions": .string(Initialize.instructions),
    ]
    return MCPEra.shape(result, modern: true, cacheable: true)
  }
}
