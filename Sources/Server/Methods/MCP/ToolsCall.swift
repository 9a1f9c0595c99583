import JSON
import JSONRPC

/// MCP `tools/call`: runs the method of the same name through its ``MethodTable`` handler, with this request's
/// context, so params are checked, progress (`_meta.progressToken` of the `tools/call`) is reported and
/// cancellation (`notifications/cancelled` naming this request) works exactly as for a direct call.
///
/// The result is wrapped as MCP asks: the compact JSON as text (for older clients) and as `structuredContent`.
/// Application errors (``ApplicationError``, and `-32602` for bad arguments) are tool execution errors,
/// `isError: true`, so a model can read them and correct itself; an unknown tool, an internal error and cancellation
/// stay JSON-RPC.
enum ToolsCall: RPCMethod {
  static let name = "tools/call"

  struct Params: Decodable, Sendable {
    var name: String
    var arguments: JSONValue?
  }

  /// A tool's answer: its JSON as text (for clients that read only `content`) and as `structuredContent`.
  struct ToolResult: Encodable, Sendable {
    var content: [TextContent]
    var structuredContent: JSONValue
    var isError: Bool

    init(text: String, structuredContent: JSONValue, isError: Bool) {
      content = [TextContent(text: text)]
      self.structuredContent = structuredContent
      self.isError = isError
    }
  }

  struct TextContent: Encodable, Sendable {
    var type = "text"
    var text: String
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> MCPResult<ToolResult> {
    let modern = try MCPEra.isModern(call.request)
    guard let tool = ToolCatalog.shared.tool(named: params.name),
      let handler = MethodTable.handler(named: params.name, services: call.services)
    else {
      throw RPCError(
        .invalidParams,
        kind: "invalid_params",
        "Unknown tool: \(params.name)",
        extra: ["errors": [["path": "/name", "message": "is not a tool (see tools/list)"]]]
      )
    }
    var arguments = params.arguments ?? [:]
    if case .object(var members) = arguments {
      let defaults = tool.defaults.merging(call.services.mcpDefaultOverrides[tool.name] ?? [:]) { _, override in
        override
      }
      for (key, value) in defaults where members[key] == nil { members[key] = value }
      arguments = .object(members)
    }
    let result: JSONValue
    do {
      result = try await handler.run(arguments, call.request)
    } catch {
      let wire = RPCError(error)
      guard wire.code == .invalidParams || ApplicationError(wire.code) != nil else { throw wire }
      let error = wire.jsonValue
      let failure = ToolResult(
        text: "\(error["message"]?.stringValue ?? "") (kind=\(wire.kind))",
        structuredContent: ["error": error],
        isError: true
      )
      return MCPResult(failure, modern: modern)
    }
    let content = call.services.mcpAllowSecrets ? result : withholding(tool.withheldFields, from: result)
    let success = ToolResult(text: JSONWriter.string(content), structuredContent: content, isError: false)
    return MCPResult(success, modern: modern)
  }

  /// `result` with each of `fields` that is present set to `null`, and a `note` saying why.
  static func withholding(_ fields: [String], from result: JSONValue) -> JSONValue {
    guard case .object(var members) = result, fields.contains(where: { members[$0] != nil }) else { return result }
    for field in fields where members[field] != nil { members[field] = .null }
    members["note"] = .string(ToolCatalog.withheldNote)
    return .object(members)
  }
}
