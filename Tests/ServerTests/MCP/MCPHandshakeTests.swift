import JSON
import TestSupport
import Testing

/// The two MCP eras on one loop: legacy `initialize`, and 2026-07-28 `server/discover` with per-request `_meta`.
@Suite(.timeLimit(.minutes(1))) struct MCPHandshakeTests {
  let server = InProcessServer()

  static let modern: JSONValue = [
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": ["name": "mcp", "version": "0.1.0"],
    "io.modelcontextprotocol/clientCapabilities": [:],
  ]

  @Test(arguments: [["protocolVersion": "2025-11-25", "capabilities": [:]], [:]] as [JSONValue])
  func initializeAdvertisesTools(params: JSONValue) async throws {
    let result = try #require(try await server.call("initialize", params: params)["result"])
    #expect(result["capabilities"] == ["tools": [:]])
  }

  @Test(arguments: [nil, ["_meta": modern], ["_meta": ["io.modelcontextprotocol/protocolVersion": "2099-01-01"]]])
  func serverDiscoverIsAlwaysAnsweredInTheModernShape(params: JSONValue?) async throws {
    let result = try #require(try await server.call("server/discover", params: params)["result"])
    #expect(result["resultType"] == "complete")
    #expect(result["supportedVersions"] == ["2026-07-28", "2025-11-25"])
    #expect(result["capabilities"] == ["tools": [:]])
    #expect(result["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "brickauth")
    #expect(result["_meta"]?["io.modelcontextprotocol/serverInfo"]?["version"]?.stringValue != nil)
    #expect(result["ttlMs"].map { if case .int(let ms) = $0 { ms >= 0 } else { false } } == true)
    #expect(result["cacheScope"] == "private")
    #expect(result["instructions"]?.stringValue?.isEmpty == false)
  }

  @Test func modernToolsListIsCacheableAndTyped() async throws {
    let result = try #require(try await server.call("tools/list", params: ["_meta": Self.modern])["result"])
    #expect(result["resultType"] == "complete")
    #expect(result["cacheScope"] == "private")
    #expect(result["ttlMs"] != nil)
    #expect(result["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "brickauth")
    #expect(result["tools"]?.arrayValue?.isEmpty == false)
  }

  @Test func modernToolCallsCarryResultTypeOnSuccessAndOnError() async throws {
    var meta = Self.modern.objectValue ?? [:]
    meta["progressToken"] = 2
    let success = try #require(
      try await server.call("tools/call", id: 1, params: ["name": "listProfiles", "_meta": .object(meta)])["result"]
    )
    #expect(success["resultType"] == "complete")
    #expect(success["isError"] == false)
    #expect(success["structuredContent"]?["resultType"] == nil)
    let failure = try #require(
      try await server.call(
        "tools/call",
        id: 2,
        params: ["name": "describeProfile", "arguments": ["profile": "nope"], "_meta": Self.modern]
      )["result"]
    )
    #expect(failure["resultType"] == "complete")
    #expect(failure["isError"] == true)
  }

  @Test func legacyAndPlainResultsGetNoMCPFields() async throws {
    let legacy = try #require(try await server.call("tools/call", id: 1, params: ["name": "listProfiles"])["result"])
    #expect(legacy["resultType"] == nil && legacy["_meta"] == nil)
    let list = try #require(try await server.call("tools/list", id: 2)["result"])
    #expect(list["resultType"] == nil && list["ttlMs"] == nil)
    let plain = try #require(try await server.call("listProfiles", id: 3, params: ["_meta": Self.modern])["result"])
    #expect(plain["resultType"] == nil)
  }

  @Test(arguments: ["tools/list", "tools/call"])
  func anUnknownModernVersionIsUnsupportedProtocolVersion(method: String) async throws {
    var meta = Self.modern.objectValue ?? [:]
    meta["io.modelcontextprotocol/protocolVersion"] = "2099-01-01"
    var params: [String: JSONValue] = ["_meta": .object(meta)]
    if method == "tools/call" { params["name"] = "listProfiles" }
    let error = try #require(try await server.call(method, params: .object(params))["error"])
    #expect(error["code"] == -32022)
    #expect(error["data"]?["kind"] == "unsupported_protocol_version")
    #expect(error["data"]?["supported"] == ["2026-07-28"])
    #expect(error["data"]?["requested"] == "2099-01-01")
  }

  @Test func aModernRequestWithoutClientCapabilitiesIsInvalidParams() async throws {
    let meta: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]
    let error = try #require(try await server.call("tools/list", params: ["_meta": meta])["error"])
    #expect(error["code"] == -32602)
    #expect(
      error["data"]?["errors"]?.arrayValue?.first?["path"] == "/_meta/io.modelcontextprotocol~1clientCapabilities"
    )
  }
}
