/// MCP 2026-07-28 `server/discover`: the versions and capabilities of this server, always answered.
///
/// Dual-era clients probe with it first; the answer advertises the stateless revision and the latest `initialize`
/// revision, so such a client goes stateless and a legacy one still finds `initialize`. It is answered whatever
/// version the probe carries (the answer is how the client learns what to speak), always in the modern shape.
enum ServerDiscover: RPCMethod {
  static let name = "server/discover"

  struct Discovery: Encodable, Sendable {
    var supportedVersions = MCPEra.supportedVersions
    var capabilities = MCPCapabilities()
    var instructions = Initialize.instructions
  }

  static func handle(_ params: NoParams, _ call: MethodCall) async throws -> MCPResult<Discovery> {
    MCPResult(Discovery(), modern: true, cacheable: true)
  }
}
