/// An MCP method's result in the shape the request's era asks for: to a 2026-07-28 request, the result's own fields
/// plus `resultType: "complete"` and the server's identity in `_meta`, and `ttlMs` and `cacheScope` when the result
/// may be cached; to a legacy or plain request, the result's own fields only.
struct MCPResult<Body: Encodable & Sendable>: Encodable, Sendable {
  var body: Body
  /// The fields a modern request gets besides the body's; `nil` for any other request.
  var modernFields: ModernFields?

  /// - Parameter cacheable: the result is fixed for the life of the process, so a client may keep it ``MCPEra/ttlMs``.
  init(_ body: Body, modern: Bool, cacheable: Bool = false) {
    self.body = body
    modernFields = modern ? ModernFields(cacheable: cacheable) : nil
  }

  /// The body's fields and the modern ones side by side, in one object.
  func encode(to encoder: any Encoder) throws {
    try body.encode(to: encoder)
    try modernFields?.encode(to: encoder)
  }

  struct ModernFields: Encodable, Sendable {
    var resultType = "complete"
    var meta = Meta()
    var ttlMs: Int64?
    var cacheScope: String?

    init(cacheable: Bool) {
      if cacheable {
        ttlMs = MCPEra.ttlMs
        cacheScope = "private"
      }
    }

    enum CodingKeys: String, CodingKey {
      case resultType
      case meta = "_meta"
      case ttlMs
      case cacheScope
    }
  }

  struct Meta: Encodable, Sendable {
    var serverInfo = Initialize.ServerInfo()

    enum CodingKeys: String, CodingKey {
      case serverInfo = "io.modelcontextprotocol/serverInfo"
    }
  }
}
