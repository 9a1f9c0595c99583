import JSON

/// The optional hello, shaped like MCP's `initialize` so MCP hosts get a correct answer and nothing else needs it.
///
/// A known MCP protocol date is echoed (version negotiation: echo when supported, else our latest); a request
/// without `protocolVersion` is a plain hello and gets our own protocol name. Both advertise `tools`: `tools/list`
/// and `tools/call` are served on every connection, with or without a handshake.
enum Initialize: RPCMethod {
  static let name = "initialize"
  /// MCP revisions whose `initialize` handshake we answer, oldest first.
  static let supportedMCPVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
  static let plainProtocolVersion = "brickauth/1"

  struct Params: Decodable, Sendable {
    var protocolVersion: String?
    var capabilities: JSONValue?
    var clientInfo: JSONValue?
  }

  struct Result: Encodable, Sendable {
    var protocolVersion: String
    var capabilities = MCPCapabilities()
    var serverInfo: ServerInfo
    var instructions: String
  }

  struct ServerInfo: Encodable, Sendable {
    var name = "brickauth"
    var version = BrickauthVersion.current
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    let version: String
    switch params.protocolVersion {
    case nil: version = plainProtocolVersion
    case let requested? where supportedMCPVersions.contains(requested): version = requested
    case _?: version = supportedMCPVersions[supportedMCPVersions.count - 1]
    }
    return Result(
      protocolVersion: version,
      serverInfo: ServerInfo(),
      instructions: instructions
    )
  }

  /// Shared with `server/discover`, which answers the same question for stateless MCP clients.
  static let instructions = """
    brickauth manages Databricks credentials: profiles in ~/.databrickscfg, OAuth tokens and personal \
    access tokens. MCP hosts: tools/list. Everyone else: call rpc.discover for the full method list (OpenRPC).
    """
}
