import Foundation
import JSON
import JSONRPC
import Sandbox
import TestSupport
import Testing

/// `tools/call` against the sandbox: secrets withheld (or not), progress and cancellation of a tool call.
@Suite(.timeLimit(.minutes(1))) struct MCPToolCallSandboxTests {
  @Test func createTokenWithholdsTheValueUnlessSecretsAreAllowed() async throws {
    try await SandboxedServer.with { world in
      let result = try await world.result("tools/call", ["name": "createToken", "arguments": ["comment": "mcp"]])
      #expect(result["isError"] == false)
      let structured = try #require(result["structuredContent"])
      #expect(structured["tokenValue"] == .null)
      #expect(structured["note"]?.stringValue?.contains("--mcp-allow-secrets") == true)
      #expect(structured["comment"] == "mcp")
      let tokenID = try #require(structured["tokenId"]?.stringValue)
      #expect(world.sandbox.workspace.tokens.contains { $0.id == tokenID })
      let text = try #require(result["content"]?.arrayValue?.first?["text"]?.stringValue)
      #expect(try JSONParser.parse(Array(text.utf8)[...]) == structured)
      #expect(!text.contains("dapi"))
    }
    try await SandboxedServer.with(mcpAllowSecrets: true) { world in
      let result = try await world.result("tools/call", ["name": "createToken", "arguments": ["comment": "mcp"]])
      let value = try #require(result["structuredContent"]?["tokenValue"]?.stringValue)
      #expect(!value.isEmpty)
      #expect(result["structuredContent"]?["note"] == nil)
      #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains(value) == true)
    }
  }

  @Test func theProgressTokenOfTheToolCallDrivesProgress() async throws {
    try await SandboxedServer.with { world in
      let ids: [JSONValue] = [.string(SandboxHome.oldLaptopTokenID), "missing"]
      let request: JSONValue = [
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": [
          "name": "revokeToken", "arguments": ["scope": "workspace", "tokenIds": .array(ids)],
          "_meta": ["progressToken": "t7"],
        ],
      ]
      world.server.connection.receive(JSONWriter.bytes(request)[...])
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == 7 } }
      let result = try #require(messages.last { $0["id"] == 7 }?["result"])
      #expect(result["isError"] == false)
      #expect(result["structuredContent"]?["revoked"] == [.string(SandboxHome.oldLaptopTokenID)])
      let progress = messages.filter { $0["method"] == "notifications/progress" }
      #expect(!progress.isEmpty)
      #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "t7" })
      #expect(progress.last?["params"]?["progress"] == 2)
      let responseIndex = try #require(messages.firstIndex { $0["id"] == 7 })
      #expect(messages.lastIndex { $0["method"] == "notifications/progress" }.map { $0 < responseIndex } == true)
    }
  }

  @Test func aLoginToolWithoutWaitSecondsAnswersPendingWithTheURLAfterTheDefaultWait() async throws {
    // No wait by default here (20 s in the service), and a flow that would time out long before 20 s: only the
    // default wait can make the answer pending.
    try await SandboxedServer.with(mcpLoginWaitSeconds: 0) { world in
      world.sandbox.setStandingConsent(.hang)  // a user who never consents, should anything open the URL
      let result = try await world.result(
        "tools/call",
        ["name": "login", "arguments": ["profile": "needs-login", "openBrowser": false, "timeoutSeconds": 10]]
      )
      #expect(result["isError"] == false)
      let structured = try #require(result["structuredContent"])
      #expect(structured["status"] == "pending")
      #expect(structured["loginId"]?.stringValue?.isEmpty == false)
      let url = try #require(structured["authorizationUrl"]?.stringValue)
      #expect(url.hasPrefix(world.sandbox.baseURL.absoluteString + "/oidc/v1/authorize?"))
      let text = try #require(result["content"]?.arrayValue?.first?["text"]?.stringValue)
      #expect(try JSONParser.parse(Array(text.utf8)[...]) == structured)
    }
  }

  /// A login as a tool, held open (no browser), until its URL is reported through the tool call's progress.
  func startLogin(_ world: SandboxedServer, id: JSONValue) async throws {
    let request: JSONValue = [
      "jsonrpc": "2.0", "id": id, "method": "tools/call",
      "params": [
        "name": "login", "arguments": ["profile": "needs-login", "openBrowser": false, "waitSeconds": 30],
        "_meta": ["progressToken": id],
      ],
    ]
    world.server.connection.receive(JSONWriter.bytes(request)[...])
    let messages = try await world.server.writer.waitUntil {
      $0.contains { $0["method"] == "notifications/progress" && $0["params"]?["progressToken"] == id }
    }
    let url = messages.first { $0["params"]?["progressToken"] == id }?["params"]?["_meta"]?[
      "brickauth/authorizationUrl"
    ]
    #expect(url?.stringValue?.hasPrefix("http") == true)
  }

  @Test func notificationsCancelledSilencesAToolCall() async throws {
    try await SandboxedServer.with { world in
      try await startLogin(world, id: "L1")
      world.server.connection.receive(
        #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"L1","reason":"timed out"}}"#
      )
      // Still serving, and nothing more for L1: the ping's answer comes after anything L1 could have sent.
      try await Task.sleep(nanoseconds: 300_000_000)
      #expect(try await world.server.call("ping", id: "after")["result"] == [:])
      #expect(!world.server.writer.values.contains { $0["id"] == "L1" })
    }
  }

  @Test func cancelRequestAnswersAToolCallCancelled() async throws {
    try await SandboxedServer.with { world in
      try await startLogin(world, id: "L2")
      world.server.connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"L2"}}"#)
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "L2" } }
      let error = try #require(messages.last { $0["id"] == "L2" }?["error"])
      #expect(error["code"] == -32800)
      #expect(error["data"]?["kind"] == "cancelled")
    }
  }
}
