import JSON

/// MCP `tools/list`: the tools generated from `protocol/openrpc.json` (see ``ToolCatalog``), on one page.
///
/// The listing tells the truth about secrets: unless the service runs with `--mcp-allow-secrets`, `createToken`'s
/// output schema says `tokenValue` may be `null`, which is what `tools/call` then returns.
enum ToolsList: RPCMethod {
  static let name = "tools/list"

  struct Params: Decodable, Sendable {
    /// Accepted and ignored: every tool fits on one page, so no `nextCursor` is ever given.
    var cursor: String?
  }

  struct ToolList: Encodable, Sendable {
    /// Each tool's `Tool` object, as ``ToolCatalog`` builds it from the OpenRPC document.
    var tools: [JSONValue]
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> MCPResult<ToolList> {
    let modern = try MCPEra.isModern(call.request)
    let allowSecrets = call.services.mcpAllowSecrets
    let tools = ToolCatalog.shared.tools.map { allowSecrets ? $0.listing : $0.withheldListing }
    return MCPResult(ToolList(tools: tools), modern: modern, cacheable: true)
  }
}
