import Foundation
import JSON
import Sandbox
import Testing

/// Workspace Conf over real HTTP: string values, admin-only PATCH, validation.
@Suite(.timeLimit(.minutes(1))) struct WorkspaceConfTests {
  private let keys = "/api/2.0/workspace-conf?keys=maxTokenLifetimeDays,enableTokensConfig"

  private func patch(_ client: SandboxClient, _ token: String, _ body: JSONValue) async throws -> SandboxClient.Reply {
    try await client.send("PATCH", "/api/2.0/workspace-conf", token: token, body: body)
  }

  @Test func readsAFlatMapOfStrings() async throws {
    try await withSandbox { sandbox, client in
      let reply = try await client.get(keys, token: sandbox.userToken)
      #expect(reply.status == 200)
      #expect(reply.json == ["maxTokenLifetimeDays": "", "enableTokensConfig": "true"])
      let one = try await client.get("/api/2.0/workspace-conf?keys=enableTokensConfig", token: sandbox.userToken)
      #expect(one.json == ["enableTokensConfig": "true"])
    }
  }

  @Test func adminsChangeSettingsWithAnEmptyAnswer() async throws {
    try await withSandbox { sandbox, client in
      let set = try await patch(client, sandbox.adminToken, ["maxTokenLifetimeDays": "90"])
      #expect(set.status == 204)
      #expect(set.body.isEmpty)
      #expect(try await client.get(keys, token: sandbox.adminToken).json?["maxTokenLifetimeDays"] == "90")

      let erase = try await patch(client, sandbox.adminToken, ["maxTokenLifetimeDays": ""])
      #expect(erase.status == 204)
      #expect(try await client.get(keys, token: sandbox.adminToken).json?["maxTokenLifetimeDays"] == "")
      let noCap = try await client.post(
        "/api/2.0/token/create",
        token: sandbox.userToken,
        body: ["lifetime_seconds": .int(400 * 86_400)]
      )
      #expect(noCap.status == 200)
    }
  }

  @Test func nonAdminsCannotChangeSettings() async throws {
    try await withSandbox { sandbox, client in
      let reply = try await patch(client, sandbox.userToken, ["maxTokenLifetimeDays": "1"])
      #expect(reply.status == 403)
      #expect(
        reply.json == [
          "error_code": "PERMISSION_DENIED", "message": "Only workspace admins can change workspace settings.",
        ]
      )
      #expect(try await client.get(keys, token: sandbox.userToken).json?["maxTokenLifetimeDays"] == "")
    }
  }

  @Test(arguments: ["-1", "abc", "1.5", " 7", "99999999999999999999"])
  func invalidLifetimesAreRefusedAndChangeNothing(value: String) async throws {
    try await withSandbox { sandbox, client in
      let reply = try await patch(
        client,
        sandbox.adminToken,
        ["maxTokenLifetimeDays": .string(value), "enableTokensConfig": "false"]
      )
      #expect(reply.status == 400)
      #expect(reply.json?["error_code"] == "INVALID_PARAMETER_VALUE")
      #expect(
        try await client.get(keys, token: sandbox.adminToken).json == [
          "maxTokenLifetimeDays": "", "enableTokensConfig": "true",
        ]
      )
    }
  }

  @Test func otherBadRequests() async throws {
    try await withSandbox { sandbox, client in
      let notString = try await patch(client, sandbox.adminToken, ["maxTokenLifetimeDays": 90])
      #expect(notString.status == 400)
      #expect(notString.json?["error_code"] == "MALFORMED_REQUEST")
      let badBool = try await patch(client, sandbox.adminToken, ["enableTokensConfig": "yes"])
      #expect(badBool.json?["error_code"] == "INVALID_PARAMETER_VALUE")
      let unknownKey = try await patch(client, sandbox.adminToken, ["enableIpAccessLists": "true"])
      #expect(
        unknownKey.json == ["error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid keys: enableIpAccessLists"]
      )
      let unknownRead = try await client.get(
        "/api/2.0/workspace-conf?keys=foo,enableTokensConfig",
        token: sandbox.adminToken
      )
      #expect(unknownRead.status == 400)
      #expect(unknownRead.json?["message"] == "Invalid keys: foo")
      let noKeys = try await client.get("/api/2.0/workspace-conf", token: sandbox.adminToken)
      #expect(noKeys.status == 400)
      #expect(noKeys.json?["message"] == "Missing required field: keys")
    }
  }

  @Test func configurationSeedsSettingsAndRejectsBadOnes() async throws {
    var configuration = SandboxConfiguration()
    configuration.workspaceConf = ["maxTokenLifetimeDays": "30", "enableTokensConfig": "FALSE"]
    try await withSandbox(configuration) { sandbox, client in
      let oauth = try #require(sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.admin.userName))
      #expect(
        try await client.get(keys, token: oauth).json == ["maxTokenLifetimeDays": "30", "enableTokensConfig": "FALSE"]
      )
      #expect(try await client.get(keys, token: sandbox.adminToken).status == 403, "\"FALSE\" disables tokens")
      try sandbox.workspace.setWorkspaceConf(["enableTokensConfig": "true"])
      #expect(try await client.get(keys, token: sandbox.adminToken).status == 200)
    }
    configuration.workspaceConf = ["maxTokenLifetimeDays": "-3"]
    #expect(throws: SandboxErrorResponse.self) { try DatabricksSandbox(configuration: configuration) }
  }
}
