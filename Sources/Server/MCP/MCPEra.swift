import JSON
import JSONRPC

/// Which MCP era a request speaks (``MCPResult`` gives a result the shape its era asks for). MCP 2026-07-28 is
/// stateless (no `initialize`; every request names its revision in `_meta`); 2025-11-25 and earlier open with
/// `initialize`.
///
/// There is no session-wide switch: a request whose `_meta` carries `io.modelcontextprotocol/protocolVersion` is
/// served by the stateless 2026-07-28 rules (its version checked, `resultType` and `_meta.serverInfo` on the result,
/// `ttlMs`/`cacheScope` on cacheable results); anything else is legacy or plain JSON-RPC and gets the bare result.
/// Only MCP methods change shape: plain method results never get MCP fields.
enum MCPEra {
  /// The revision served statelessly, per request.
  static let modernVersion = "2026-07-28"
  /// What `server/discover` advertises: the stateless revision, and the latest `initialize` handshake.
  static let supportedVersions = [modernVersion, "2025-11-25"]
  static let versionKey = "io.modelcontextprotocol/protocolVersion"
  static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
  /// How long a client may cache `server/discover` and `tools/list`: both are fixed for the life of the process.
  static let ttlMs: Int64 = 3_600_000

  /// Whether `request` is a 2026-07-28 request.
  ///
  /// - Throws: `-32022` for a version other than 2026-07-28 (`data.supported`, `data.requested`); `-32602` when
  ///   the version is there but the required client capabilities are not.
  static func isModern(_ request: RequestContext) throws(RPCError) -> Bool {
    guard let requested = request.meta[versionKey] else { return false }
    guard requested == .string(modernVersion) else {
      throw RPCError(
        .unsupportedProtocolVersion,
        kind: "unsupported_protocol_version",
        "Unsupported protocol version",
        extra: ["supported": [.string(modernVersion)], "requested": requested]
      )
    }
    guard request.meta[clientCapabilitiesKey]?.objectValue != nil else {
      throw .invalidParams([
        (path: "/_meta/io.modelcontextprotocol~1clientCapabilities", message: "is required (an object)")
      ])
    }
    return true
  }
}
