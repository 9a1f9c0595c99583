import Foundation
import JSON
import LoopbackHTTP
import Sandbox
import Testing

/// Token Management over real HTTP: admin only, filters, on-behalf-of tokens for the seeded service principal.
@Suite(.timeLimit(.minutes(1))) struct TokenManagementTests {
  private let tokens = "/api/2.0/token-management/tokens"
  private let onBehalfOf = "/api/2.0/token-management/on-behalf-of/tokens"

  @Test func nonAdminsGetPermissionDeniedEverywhere() async throws {
    try await withSandbox { sandbox, client in
      let someID = try #require(sandbox.workspace.tokens.first?.id)
      let replies = [
        try await client.get(tokens, token: sandbox.userToken),
        try await client.get("\(tokens)/\(someID)", token: sandbox.userToken),
        try await client.send("DELETE", "\(tokens)/\(someID)", token: sandbox.userToken),
        try await client.post(
          onBehalfOf,
          token: sandbox.userToken,
          body: ["application_id": .string(sandbox.servicePrincipal.applicationID ?? "")]
        ),
      ]
      for reply in replies {
        #expect(reply.status == 403)
        #expect(
          reply.json == [
            "error_code": "PERMISSION_DENIED", "message": "Only workspace admins can use the token management API.",
          ]
        )
      }
      #expect(sandbox.workspace.tokens.count == 2, "nothing was deleted or created")
    }
  }

  /// The unfiltered list is kept encoded between calls (the sandbox stands in for a remote workspace, whose CPU is
  /// not the client's): it must still follow every change, and be cut for paced sending between tokens only.
  @Test func theKeptListFollowsEveryChangeAndIsCutAfterEvery1000thToken() async throws {
    try await withSandbox { sandbox, client in
      // Another user's, so the admin stays under the per-user quota and can still create one.
      var seed = TokenSeed(owner: SandboxSeed.user.userName)
      seed.count = 1_998
      let seeded = sandbox.seedTokens(seed)
      func listedIDs() async throws -> [String] {
        let reply = try await client.get(tokens, token: sandbox.adminToken)
        return reply.json?["token_infos"]?.arrayValue?.compactMap { $0["token_id"]?.stringValue } ?? []
      }
      #expect(try await listedIDs().count == 2_000)
      #expect(try await listedIDs().count == 2_000, "unchanged by the call that listed it")
      let created = try await client.post("/api/2.0/token/create", token: sandbox.adminToken, body: ["comment": "new"])
      let createdID = try #require(created.json?["token_info"]?["token_id"]?.stringValue)
      #expect(try await listedIDs().last == createdID)
      #expect(try await client.send("DELETE", "\(tokens)/\(seeded[0])", token: sandbox.adminToken).status == 200)
      #expect(try await !listedIDs().contains(seeded[0]))
      let expiring = try #require(sandbox.workspace.tokens.first { $0.id == seeded[1] })
      #expect(sandbox.expireToken(value: expiring.value))
      let listed = try await client.get(tokens, token: sandbox.adminToken).json?["token_infos"]?.arrayValue
      let expired = listed?.first { $0["token_id"] == .string(seeded[1]) }
      #expect(expired?["expiry_time"] != .int(-1) && expired?["expiry_time"] != nil)

      // 2,000 tokens: cut once, right after the 1,000th, and the first page is a list of its own once closed.
      let request = HTTPRequest(
        method: "GET",
        target: tokens,
        headers: ["Authorization": "Bearer \(sandbox.adminToken)"]
      )
      guard case .respond(let response) = sandbox.workspace.handle(request) else {
        Issue.record("no answer")
        return
      }
      #expect(response.bodyPartEnds.count == 1)
      let cut = try #require(response.bodyPartEnds.first)
      #expect(response.body[cut] == UInt8(ascii: ","))
      let firstPage = try JSONParser.parse(Array(response.body[..<cut]) + Array("]}".utf8))
      #expect(firstPage["token_infos"]?.arrayValue?.count == 1_000)
    }
  }

  @Test func listShowsEveryTokenWithOwnerAndCreator() async throws {
    try await withSandbox { sandbox, client in
      let reply = try await client.get(tokens, token: sandbox.adminToken)
      #expect(reply.status == 200)
      let infos = try #require(reply.json?["token_infos"]?.arrayValue)
      #expect(infos.count == 2)
      let admin = try #require(infos.first { $0["created_by_username"] == "admin@sandbox.example" }?.objectValue)
      #expect(
        Set(admin.keys) == [
          "token_id", "comment", "creation_time", "expiry_time", "created_by_id", "created_by_username", "owner_id",
          "workspace_id", "last_used_day",
        ]
      )
      #expect(admin["created_by_id"] == .int(SandboxSeed.admin.id))
      #expect(admin["owner_id"] == .int(SandboxSeed.admin.id))
      #expect(admin["expiry_time"] == -1)
      #expect(admin["workspace_id"] == .int(SandboxConfiguration().workspaceID))
      let day = try #require({ if case .int(let day)? = admin["last_used_day"] { day } else { nil } }())
      #expect(day % 86_400_000 == 0, "the start of a UTC day")
      let user = try #require(infos.first { $0["owner_id"] == .int(SandboxSeed.user.id) })
      #expect(user["last_used_day"] == nil, "the user's token has not been used yet")
    }
  }

  @Test func listFiltersByCreator() async throws {
    try await withSandbox { sandbox, client in
      let byID = try await client.get("\(tokens)?created_by_id=\(SandboxSeed.user.id)", token: sandbox.adminToken)
      #expect(byID.json?["token_infos"]?.arrayValue?.map { $0["created_by_username"] } == ["user@sandbox.example"])
      let byName = try await client.get(
        "\(tokens)?created_by_username=admin%40sandbox.example",
        token: sandbox.adminToken
      )
      #expect(byName.json?["token_infos"]?.arrayValue?.map { $0["created_by_id"] } == [.int(SandboxSeed.admin.id)])
      let both = try await client.get(
        "\(tokens)?created_by_id=\(SandboxSeed.admin.id)&created_by_username=user@sandbox.example",
        token: sandbox.adminToken
      )
      #expect(both.status == 200)
      #expect(both.text == "{}")
      let bad = try await client.get("\(tokens)?created_by_id=abc", token: sandbox.adminToken)
      #expect(bad.status == 400)
      #expect(bad.json?["error_code"] == "INVALID_PARAMETER_VALUE")
    }
  }

  @Test func getAndDeleteOneToken() async throws {
    try await withSandbox { sandbox, client in
      let userToken = try #require(sandbox.workspace.tokens.first { $0.ownerID == SandboxSeed.user.id })
      let got = try await client.get("\(tokens)/\(userToken.id)", token: sandbox.adminToken)
      #expect(got.status == 200)
      #expect(
        got.json == [
          "token_info": [
            "token_id": .string(userToken.id), "comment": "sandbox bootstrap token",
            "creation_time": .int(userToken.creationTime), "expiry_time": -1,
            "created_by_id": .int(SandboxSeed.user.id),
            "created_by_username": "user@sandbox.example", "owner_id": .int(SandboxSeed.user.id),
            "workspace_id": .int(SandboxConfiguration().workspaceID),
          ]
        ]
      )
      let deleted = try await client.send("DELETE", "\(tokens)/\(userToken.id)", token: sandbox.adminToken)
      #expect(deleted.status == 200)
      #expect(deleted.text == "{}")
      #expect(try await client.get("/api/2.0/token/list", token: sandbox.userToken).status == 403)

      let gone = try await client.get("\(tokens)/\(userToken.id)", token: sandbox.adminToken)
      #expect(gone.status == 404)
      #expect(gone.json?["error_code"] == "RESOURCE_DOES_NOT_EXIST")
      let deleteAgain = try await client.send("DELETE", "\(tokens)/\(userToken.id)", token: sandbox.adminToken)
      #expect(deleteAgain.status == 404)
      #expect(deleteAgain.json?["error_code"] == "RESOURCE_DOES_NOT_EXIST")
    }
  }

  @Test func onBehalfOfTokensBelongToTheServicePrincipal() async throws {
    try await withSandbox { sandbox, client in
      let applicationID = try #require(sandbox.servicePrincipal.applicationID)
      let reply = try await client.post(
        onBehalfOf,
        token: sandbox.adminToken,
        body: ["application_id": .string(applicationID), "lifetime_seconds": 600, "comment": "automation"]
      )
      #expect(reply.status == 200)
      let value = try #require(reply.json?["token_value"]?.stringValue)
      let info = try #require(reply.json?["token_info"])
      #expect(info["owner_id"] == .int(SandboxSeed.servicePrincipal.id))
      #expect(info["created_by_id"] == .int(SandboxSeed.admin.id))
      #expect(info["created_by_username"] == "admin@sandbox.example")
      #expect(info["comment"] == "automation")

      let me = try await client.get("/api/2.0/preview/scim/v2/Me", token: value)
      #expect(me.json?["userName"] == .string(applicationID))
      let own = try await client.get("/api/2.0/token/list", token: value)
      #expect(own.json?["token_infos"]?.arrayValue?.map { $0["token_id"] } == [info["token_id"]])
    }
  }

  @Test func onBehalfOfNeedsAKnownApplicationID() async throws {
    try await withSandbox { sandbox, client in
      let unknown = try await client.post(onBehalfOf, token: sandbox.adminToken, body: ["application_id": "nope"])
      #expect(unknown.status == 404)
      #expect(
        unknown.json == [
          "error_code": "RESOURCE_DOES_NOT_EXIST",
          "message": "Service principal with application ID nope does not exist.",
        ]
      )
      let missing = try await client.post(onBehalfOf, token: sandbox.adminToken, body: ["lifetime_seconds": 60])
      #expect(missing.status == 400)
      #expect(missing.json?["message"] == "Missing required field: application_id")
      let zero = try await client.post(
        onBehalfOf,
        token: sandbox.adminToken,
        body: ["application_id": .string(sandbox.servicePrincipal.applicationID ?? ""), "lifetime_seconds": 0]
      )
      #expect(zero.status == 400)
      #expect(zero.json?["message"] == "requirement failed: Invalid timeout: 0")
    }
  }
}
