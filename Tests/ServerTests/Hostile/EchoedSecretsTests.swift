import JSON
import LoopbackHTTP
import TestSupport
import Testing

/// Servers that echo the request back in their errors: the bearer, the refresh token, the code and the verifier
/// reach no field of the answer (`message`, `data.databricksErrorCode`, `data.oauthError`, MCP's
/// `structuredContent` and `content`), nor any other message the server wrote.
@Suite(.timeLimit(.minutes(1))) struct EchoedSecretsTests {
  /// Everything the server wrote, as one text, after checking it has no secret the workspace was sent.
  func expectNoSecret(_ workspace: HostileWorkspace, _ server: InProcessServer) {
    let written = server.writer.rawMessages.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    for secret in workspace.secretsSent {
      #expect(!written.contains(secret), "the answer shows \(secret.prefix(12))…")
    }
    #expect(written.contains("<redacted>"), "the echo was there, redacted")
  }

  @Test(arguments: [400, 401, 403, 500])
  func aDatabricksErrorEchoingTheBearer(status: Int) async throws {
    try await HostileWorkspace.with(answer: { HostileWorkspace.echo($0, status: status) }) { workspace, server in
      let direct = try #require(try await server.call("listTokens", id: 1, params: ["profile": "pat"])["error"])
      #expect(direct["data"]?["databricksErrorCode"]?.stringValue?.contains("<redacted>") == true)
      let tool = try await server.call(
        "tools/call",
        id: 2,
        params: ["name": "listTokens", "arguments": ["profile": "pat"]]
      )
      #expect(tool["result"]?["isError"] == true)
      _ = try await server.call("listProfiles", id: 3, params: ["validate": true])
      _ = try await server.call("describeProfile", id: 4, params: ["profile": "pat"])
      #expect(workspace.requests.contains { $0.headers["Authorization"] == "Bearer \(HostileWorkspace.pat)" })
      expectNoSecret(workspace, server)
    }
  }

  @Test(arguments: [400, 401])
  func anOAuthRefreshErrorEchoingTheRefreshToken(status: Int) async throws {
    try await HostileWorkspace.with(answer: { HostileWorkspace.echo($0, status: status) }) { workspace, server in
      let error = try #require(try await server.call("getToken", id: 1, params: ["profile": "oauth"])["error"])
      #expect(error["data"]?["oauthError"]?.stringValue?.contains("<redacted>") == true)
      let tool = try await server.call(
        "tools/call",
        id: 2,
        params: ["name": "listTokens", "arguments": ["profile": "oauth"]]
      )
      #expect(tool["result"]?["isError"] == true)
      expectNoSecret(workspace, server)
    }
  }

  @Test func anOAuthCodeExchangeErrorEchoingTheCodeAndVerifier() async throws {
    try await HostileWorkspace.with(answer: { HostileWorkspace.echo($0, status: 400) }) { workspace, server in
      let error = try #require(try await server.call("login", id: 1, params: ["profile": "oauth"])["error"])
      #expect(error["data"]?["oauthError"]?.stringValue?.contains("<redacted>") == true)
      let tool = try await server.call(
        "tools/call",
        id: 2,
        params: [
          "name": "login", "arguments": ["profile": "oauth", "waitSeconds": 60],
        ]
      )
      #expect(tool["result"]?["isError"] == true)
      #expect(workspace.secretsSent.count == 6, "both verifiers were sent")
      expectNoSecret(workspace, server)
    }
  }
}
