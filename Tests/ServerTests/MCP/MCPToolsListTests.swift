import Foundation
import JSON
import TestSupport
import Testing

/// `tools/list`: generated from `protocol/openrpc.json`, every schema self-contained and rooted at an object.
@Suite(.timeLimit(.minutes(1))) struct MCPToolsListTests {
  let server = InProcessServer()

  /// The methods `protocol/openrpc.json` marks as tools, read independently of the server's code.
  static let documentToolNames: [String] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../../protocol/openrpc.json"
    )
    let document = (try? JSONParser.parse(Array((try? Data(contentsOf: url)) ?? Data())[...])) ?? .null
    return (document["methods"]?.arrayValue ?? []).filter { $0["x-brickauth-tool"] == .bool(true) }.compactMap {
      $0["name"]?.stringValue
    }
  }()

  func tools() async throws -> [JSONValue] {
    let response = try await server.call("tools/list")
    return try #require(response["result"]?["tools"]?.arrayValue)
  }

  @Test func namesAreExactlyTheMethodsMarkedAsTools() async throws {
    let names = try await tools().compactMap { $0["name"]?.stringValue }
    #expect(!Self.documentToolNames.isEmpty)
    #expect(names == Self.documentToolNames)
    for hidden in ["getToken", "ping", "rpc.discover", "initialize", "shutdown", "tools/list", "test/sleep"] {
      #expect(!names.contains(hidden))
    }
    #expect(names.contains("listProfiles") && names.contains("createToken") && names.contains("login"))
  }

  @Test func everyToolServedIsAMethodTheServerAnswers() async throws {
    for name in try await tools().compactMap({ $0["name"]?.stringValue }) {
      #expect(server.connectionMethodNames.contains(name))
    }
  }

  @Test func everySchemaIsASelfContainedObjectSchema() async throws {
    for tool in try await tools() {
      let input = try #require(tool["inputSchema"])
      #expect(input["type"] == "object")
      #expect(input["properties"]?["_meta"] == nil)
      #expect(input["additionalProperties"] == false)
      #expect(tool["outputSchema"]?["type"] == "object")
      #expect(!JSONWriter.string(tool).contains("$ref"))
      #expect(tool["description"]?.stringValue?.isEmpty == false)
      #expect(tool["annotations"]?["readOnlyHint"] != nil)
    }
  }

  @Test func inputSchemasCarryTheParamsAndWhatIsRequired() async throws {
    let tools = try await tools()
    let setMaxLifetime = try #require(tools.first { $0["name"] == "setMaxLifetime" })
    #expect(setMaxLifetime["inputSchema"]?["required"] == ["days"])
    #expect(setMaxLifetime["inputSchema"]?["properties"]?["profile"]?["type"] == "string")
    let listProfiles = try #require(tools.first { $0["name"] == "listProfiles" })
    #expect(listProfiles["inputSchema"]?["required"] == nil)
    // Inlined: ProfileList → ProfileSummary → CredentialState.
    let profile = listProfiles["outputSchema"]?["properties"]?["profiles"]?["items"]
    #expect(profile?["properties"]?["credential"]?["properties"]?["kind"] != nil)
  }

  @Test func aOneOfResultBecomesAnObjectSchemaThatKeepsItsBranches() async throws {
    let login = try #require(try await tools().first { $0["name"] == "login" })
    let output = try #require(login["outputSchema"])
    #expect(output["type"] == "object")
    #expect(output["oneOf"]?.arrayValue?.count == 2)
    #expect(output["required"] == ["status"])
    #expect(output["properties"]?["authorizationUrl"] != nil && output["properties"]?["authType"] != nil)
    #expect(output["properties"]?["status"]?["anyOf"] == [["const": "complete"], ["const": "pending"]])
  }

  @Test func annotationsComeFromTheDocument() async throws {
    let tools = try await tools()
    func hints(_ name: String) -> JSONValue? { tools.first { $0["name"] == .string(name) }?["annotations"] }
    #expect(hints("listTokens")?["readOnlyHint"] == true)
    #expect(hints("revokeToken")?["destructiveHint"] == true)
    #expect(hints("rotateToken")?["destructiveHint"] == true)
    #expect(hints("setTokensEnabled")?["destructiveHint"] == true)
    #expect(hints("logout")?["destructiveHint"] == true)
    #expect(hints("createToken")?["openWorldHint"] == true)
    #expect(hints("listProfiles")?["openWorldHint"] == false)
  }

  @Test func tokenValueIsNullableInTheListingUnlessSecretsAreAllowed() async throws {
    let created = try #require(try await tools().first { $0["name"] == "createToken" }?["outputSchema"])
    #expect(created["properties"]?["tokenValue"]?["type"] == ["string", "null"])
    #expect(created["required"]?.arrayValue?.contains("tokenValue") == false)
    #expect(created["properties"]?["note"] != nil)

    let allowing = InProcessServer(mcpAllowSecrets: true)
    let response = try await allowing.call("tools/list")
    let tools = try #require(response["result"]?["tools"]?.arrayValue)
    let output = try #require(tools.first { $0["name"] == "createToken" }?["outputSchema"])
    #expect(output["properties"]?["tokenValue"]?["type"] == "string")
    #expect(output["required"]?.arrayValue?.contains("tokenValue") == true)
  }

  @Test func aCursorIsAcceptedAndThereIsNoNextPage() async throws {
    let response = try await server.call("tools/list", params: ["cursor": "x"])
    #expect(response["result"]?["tools"] != nil)
    #expect(response["result"]?["nextCursor"] == nil)
  }
}
