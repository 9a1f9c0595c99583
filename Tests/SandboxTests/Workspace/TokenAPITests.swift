import Foundation
import JSON
import Sandbox
import TestSupport
import Testing

/// Token API 2.0 over real HTTP: shapes, the empty list as `{}`, and the policy a workspace enforces.
@Suite(.timeLimit(.minutes(1))) struct TokenAPITests {
  private let create = "/api/2.0/token/create"
  private let list = "/api/2.0/token/list"
  private let delete = "/api/2.0/token/delete"

  private func nowMilliseconds() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
  }

  private func int(_ value: JSONValue?) throws -> Int64 {
    guard case .int(let number)? = value else { throw Failure("not an integer: \(String(describing: value))") }
    return number
  }

  @Test func createReturnsTheSecretAndThePublicTokenInfo() async throws {
    try await withSandbox { sandbox, client in
      let before = nowMilliseconds()
      let reply = try await client.post(
        create,
        token: sandbox.userToken,
        body: ["lifetime_seconds": 3600, "comment": "ci"]
      )
      let after = nowMilliseconds()
      #expect(reply.status == 200)
      #expect(reply.headers["content-type"] == "application/json")
      let json = try #require(reply.json)
      #expect(Set(json.objectValue?.keys ?? [:].keys) == ["token_value", "token_info"])
      let value = try #require(json["token_value"]?.stringValue)
      #expect(value.hasPrefix("dapi"))
      #expect(value.count == 36)
      let info = try #require(json["token_info"]?.objectValue)
      #expect(Set(info.keys) == ["token_id", "comment", "creation_time", "expiry_time"])
      #expect(info["comment"] == "ci")
      let id = try #require(info["token_id"]?.stringValue)
      #expect(id.count == 64)
      #expect(id.allSatisfy { $0.isHexDigit })
      let created = try int(info["creation_time"])
      #expect(created >= before - 1 && created <= after + 1)
      let expiry = try int(info["expiry_time"])
      #expect(expiry == created + 3_600_000)

      let me = try await client.get("/api/2.0/preview/scim/v2/Me", token: value)
      #expect(me.json?["userName"] == "user@sandbox.example", "the new token acts as its creator")
    }
  }

  @Test func createWithoutLifetimeLastsTwoYearsAndLeavesOutAnEmptyComment() async throws {
    try await withSandbox { sandbox, client in
      let info = try #require(try await client.post(create, token: sandbox.userToken).json?["token_info"])
      #expect(info["comment"] == nil)
      let lifetime = try int(info["expiry_time"]) - int(info["creation_time"])
      #expect(lifetime == 2 * 365 * 86_400_000)
    }
  }

  @Test func lifetimeMayBeSentAsADecimalString() async throws {
    try await withSandbox { sandbox, client in
      let info = try #require(
        try await client.post(create, token: sandbox.userToken, body: ["lifetime_seconds": "120"]).json?["token_info"]
      )
      let lifetime = try int(info["expiry_time"]) - int(info["creation_time"])
      #expect(lifetime == 120_000)
    }
  }

  @Test(arguments: [0, -5])
  func nonPositiveLifetimesAreRefusedAsDatabricksDoes(lifetime: Int64) async throws {
    try await withSandbox { sandbox, client in
      let reply = try await client.post(create, token: sandbox.userToken, body: ["lifetime_seconds": .int(lifetime)])
      #expect(reply.status == 400)
      #expect(
        reply.json == [
          "error_code": "INVALID_PARAMETER_VALUE",
          "message": .string("requirement failed: Invalid timeout: \(lifetime)"),
        ]
      )
    }
  }

  @Test func listShowsOnlyTheCallersTokensInCreationOrder() async throws {
    try await withSandbox { sandbox, client in
      let first = try #require(try await client.post(create, token: sandbox.userToken, body: ["comment": "a"]).json)
      _ = try await client.post(create, token: sandbox.adminToken, body: ["comment": "admin's"])
      let reply = try await client.get(list, token: sandbox.userToken)
      #expect(reply.status == 200)
      let infos = try #require(reply.json?["token_infos"]?.arrayValue)
      #expect(infos.map { $0["comment"] } == ["sandbox bootstrap token", "a"])
      #expect(infos[1] == first["token_info"])
      #expect(reply.json?.objectValue?.count == 1)
    }
  }

  @Test func anEmptyListIsAnEmptyObject() async throws {
    try await withSandbox { sandbox, client in
      // An OAuth token lets the user list after deleting its only PAT.
      let oauth = try #require(sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.user.userName))
      let infos = try #require(try await client.get(list, token: oauth).json?["token_infos"]?.arrayValue)
      let id = try #require(infos.first?["token_id"])
      #expect(try await client.post(delete, token: oauth, body: ["token_id": id]).text == "{}")
      let reply = try await client.get(list, token: oauth)
      #expect(reply.status == 200)
      #expect(reply.text == "{}")
    }
  }

  @Test func deleteRevokesOnlyTheCallersOwnTokens() async throws {
    try await withSandbox { sandbox, client in
      let created = try #require(try await client.post(create, token: sandbox.userToken).json)
      let id = try #require(created["token_info"]?["token_id"])
      let value = try #require(created["token_value"]?.stringValue)

      let byOther = try await client.post(delete, token: sandbox.adminToken, body: ["token_id": id])
      #expect(byOther.status == 404)
      #expect(byOther.json?["error_code"] == "RESOURCE_DOES_NOT_EXIST")

      let deleted = try await client.post(delete, token: sandbox.userToken, body: ["token_id": id])
      #expect(deleted.status == 200)
      #expect(deleted.text == "{}")
      #expect(try await client.get(list, token: value).status == 403)

      let again = try await client.post(delete, token: sandbox.userToken, body: ["token_id": id])
      #expect(again.status == 404)
      #expect(
        again.json == [
          "error_code": "RESOURCE_DOES_NOT_EXIST",
          "message": .string("Token with ID \(id.stringValue ?? "") does not exist."),
        ]
      )

      let missing = try await client.post(delete, token: sandbox.userToken, body: [:])
      #expect(missing.status == 400)
      #expect(missing.json == ["error_code": "INVALID_PARAMETER_VALUE", "message": "Missing required field: token_id"])
    }
  }

  @Test func lifetimesAboveTheWorkspaceMaximumAreRefused() async throws {
    var configuration = SandboxConfiguration()
    configuration.workspaceConf = ["maxTokenLifetimeDays": "1"]
    try await withSandbox(configuration) { sandbox, client in
      let tooLong = try await client.post(create, token: sandbox.userToken, body: ["lifetime_seconds": 86_401])
      #expect(tooLong.status == 400)
      #expect(tooLong.json?["error_code"] == "INVALID_PARAMETER_VALUE")
      #expect(
        tooLong.json?["message"]
          == "Requested token lifetime of 86401 seconds exceeds the maximum token lifetime of 1 days (86400 seconds) set for this workspace."
      )
      #expect(try await client.post(create, token: sandbox.userToken, body: ["lifetime_seconds": 86_400]).status == 200)
      let capped = try #require(try await client.post(create, token: sandbox.userToken).json?["token_info"])
      let lifetime = try int(capped["expiry_time"]) - int(capped["creation_time"])
      #expect(lifetime == 86_400_000, "no lifetime means the cap")
    }
  }

  @Test func theSixHundredTokenQuotaIsEnforcedPerUser() async throws {
    #expect(SandboxConfiguration().tokenQuotaPerUser == 600)
    try await withSandbox { sandbox, _ in
      // 599 creates over one keep-alive connection: the bootstrap token is the user's first of 600.
      let connection = try RawHTTPConnection(port: sandbox.port)
      let request =
        "POST /api/2.0/token/create HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer \(sandbox.userToken)\r\n"
        + "Content-Length: 2\r\n\r\n{}"
      for _ in 0..<599 {
        try await connection.send(request)
        #expect(try await connection.readResponse()?.status == 200)
      }
      try await connection.send(request)
      let refused = try #require(try await connection.readResponse())
      #expect(refused.status == 400)
      #expect(
        refused.json == [
          "error_code": "QUOTA_EXCEEDED", "message": "Cannot create more than 600 tokens for user@sandbox.example.",
        ]
      )
      #expect(sandbox.workspace.tokens.filter { $0.ownerID == SandboxSeed.user.id }.count == 600)

      let adminRequest = request.replacingOccurrences(of: sandbox.userToken, with: sandbox.adminToken)
      try await connection.send(adminRequest)
      #expect(try await connection.readResponse()?.status == 200, "the quota is per user")

      let victim = try #require(sandbox.workspace.tokens.last { $0.ownerID == SandboxSeed.user.id })
      #expect(sandbox.revokeToken(value: victim.value))
      try await connection.send(request)
      #expect(try await connection.readResponse()?.status == 200, "revoking one frees a slot")
    }
  }

  @Test func disabledTokensCanNeitherBeCreatedNorUsed() async throws {
    try await withSandbox { sandbox, client in
      let disable = try await client.send(
        "PATCH",
        "/api/2.0/workspace-conf",
        token: sandbox.adminToken,
        body: ["enableTokensConfig": "false"]
      )
      #expect(disable.status == 204)

      let used = try await client.get(list, token: sandbox.userToken)
      #expect(used.status == 403)
      #expect(used.json?["error_code"] == "PERMISSION_DENIED")
      #expect(
        used.json?["message"] == "Personal access tokens are disabled for this workspace (enableTokensConfig is false)."
      )
      #expect(try await client.get(list, token: sandbox.adminToken).status == 403, "admins' PATs too")

      let oauthUser = try #require(sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.user.userName))
      let created = try await client.post(create, token: oauthUser)
      #expect(created.status == 403)
      #expect(created.json?["error_code"] == "PERMISSION_DENIED")

      let oauthAdmin = try #require(sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.admin.userName))
      let enable = try await client.send(
        "PATCH",
        "/api/2.0/workspace-conf",
        token: oauthAdmin,
        body: ["enableTokensConfig": "true"]
      )
      #expect(enable.status == 204)
      #expect(try await client.get(list, token: sandbox.userToken).status == 200)
    }
  }
}

struct Failure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
