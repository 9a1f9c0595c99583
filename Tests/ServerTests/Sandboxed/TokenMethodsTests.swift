import Foundation
import JSON
import JSONRPC
import Sandbox
import Server
import TestSupport
import Testing

/// The token methods through the real handlers and `RESTClient`, over loopback HTTP to a sandbox workspace.
@Suite(.timeLimit(.minutes(1))) struct TokenMethodsTests {
  @Test func createsATokenThatTheWorkspaceKnowsAndThatWorks() async throws {
    try await SandboxedServer.with { world in
      let created = try await world.result("createToken", ["comment": "ci", "lifetimeSeconds": 3600])
      let id = try #require(created["tokenId"]?.stringValue)
      let value = try #require(created["tokenValue"]?.stringValue)
      #expect(created["comment"] == "ci")
      let record = try #require(world.sandbox.workspace.tokens.first { $0.id == id })
      #expect(record.value == value)
      #expect(record.ownerID == SandboxSeed.admin.id)
      let createdAt = try #require(created["createdAt"]?.stringValue.flatMap(RFC3339Support.parse))
      let expiresAt = try #require(created["expiresAt"]?.stringValue.flatMap(RFC3339Support.parse))
      #expect(abs(expiresAt.timeIntervalSince(createdAt) - 3600) <= 1)
    }
  }

  @Test func refusesBadParamsBeforeAnyNetworkCall() async throws {
    try await SandboxedServer.with { world in
      let zero = try await world.error("createToken", ["lifetimeSeconds": 0])
      #expect(zero["code"] == -32602)
      #expect(
        zero["data"]?["errors"] == [["path": "/lifetimeSeconds", "message": "must be a positive number of seconds"]]
      )
      let both = try await world.error("revokeToken", ["tokenId": "a", "tokenIds": ["b"]])
      #expect(both["code"] == -32602)
      let filters = try await world.error("listTokens", ["createdByUsername": "x"])
      #expect(filters["data"]?["errors"]?.arrayValue?.first?["path"] == "/createdByUsername")
      let days = try await world.error("setMaxLifetime", ["days": -1])
      #expect(days["data"]?["errors"]?.arrayValue?.first?["path"] == "/days")
      let limit = try await world.error("listTokens", ["limit": 0])
      #expect(limit["data"]?["errors"]?.arrayValue?.first?["path"] == "/limit")
      #expect(world.sandbox.callCounts.isEmpty)
    }
  }

  @Test func createsTokensOnBehalfOfAServicePrincipalAsAnAdminOnly() async throws {
    try await SandboxedServer.with { world in
      let applicationId = JSONValue.string(try #require(world.sandbox.servicePrincipal.applicationID))
      let created = try await world.result("createToken", ["applicationId": applicationId, "comment": "robot"])
      let id = try #require(created["tokenId"]?.stringValue)
      #expect(world.sandbox.workspace.tokens.first { $0.id == id }?.ownerID == SandboxSeed.servicePrincipal.id)
      let denied = try await world.error("createToken", ["profile": "user", "applicationId": applicationId])
      #expect(ApplicationError(errorObject: denied) == .permissionDenied)
      #expect(denied["data"]?["kind"] == "permission_denied")
      #expect(denied["data"]?["httpStatus"] == 403)
      #expect(denied["data"]?["databricksErrorCode"] == "PERMISSION_DENIED")
    }
  }

  @Test func enforcesTheLifetimeCapAndTheQuotaAsPolicyViolations() async throws {
    var configuration = SandboxConfiguration()
    configuration.tokenQuotaPerUser = 3  // the admin already holds its bootstrap and "old laptop" tokens
    configuration.workspaceConf = ["maxTokenLifetimeDays": "1"]
    try await SandboxedServer.with(configuration) { world in
      let tooLong = try await world.error("createToken", ["lifetimeSeconds": 172_800])
      #expect(ApplicationError(errorObject: tooLong) == .policyViolation)
      #expect(tooLong["data"]?["kind"] == "policy_violation")
      #expect(tooLong["data"]?["databricksErrorCode"] == "INVALID_PARAMETER_VALUE")
      _ = try await world.result("createToken", ["lifetimeSeconds": 3600])
      let quota = try await world.error("createToken", ["lifetimeSeconds": 3600])
      #expect(ApplicationError(errorObject: quota) == .policyViolation)
      #expect(quota["data"]?["databricksErrorCode"] == "QUOTA_EXCEEDED")
    }
  }

  @Test func listsOwnAndWorkspaceTokensWithFilters() async throws {
    try await SandboxedServer.with { world in
      _ = try await world.result("createToken", ["comment": "mine"])
      _ = try await world.result("createToken", ["profile": "user", "comment": "theirs"])
      let own = try await world.result("listTokens")
      #expect(
        Set(own["tokens"]?.arrayValue?.compactMap { $0["comment"]?.stringValue } ?? []) == [
          "sandbox bootstrap token", "old laptop", "mine",
        ]
      )
      #expect(own["nextCursor"] == .null)
      #expect(own["tokens"]?.arrayValue?.first { $0["comment"] == "old laptop" }?["expiresAt"] == .null)
      let theirs = try await world.result(
        "listTokens",
        ["scope": "workspace", "createdByUsername": "user@sandbox.example"]
      )
      let tokens = try #require(theirs["tokens"]?.arrayValue)
      #expect(tokens.count == 2)
      #expect(
        tokens.allSatisfy {
          $0["createdByUsername"] == "user@sandbox.example" && $0["createdById"] == "4000000000000002"
        }
      )
      let denied = try await world.error("listTokens", ["profile": "user", "scope": "workspace"])
      #expect(denied["data"]?["kind"] == "permission_denied")
    }
  }

  @Test func pagesThroughASnapshot() async throws {
    try await SandboxedServer.with { world in
      for index in 0..<23 { _ = try await world.result("createToken", ["comment": .string("t\(index)")]) }
      var seen: [String] = []
      var cursor: JSONValue = .null
      var pages = 0
      repeat {
        var params: [String: JSONValue] = ["limit": 10]
        if cursor != .null { params["cursor"] = cursor }
        let page = try await world.result("listTokens", .object(params))
        seen += page["tokens"]?.arrayValue?.compactMap { $0["tokenId"]?.stringValue } ?? []
        cursor = page["nextCursor"] ?? .null
        pages += 1
        // A token created mid-listing does not shift the pages: they come from the snapshot.
        if pages == 1 { _ = try await world.result("createToken", ["comment": "late"]) }
      } while cursor != .null && pages < 10
      #expect(pages == 3)
      #expect(seen.count == 25)
      #expect(Set(seen).count == 25)
      let stale = try await world.error("listTokens", ["cursor": "nope.10"])
      #expect(stale["data"]?["errors"]?.arrayValue?.first?["path"] == "/cursor")
    }
  }

  @Test func aCursorOnlyContinuesItsOwnListing() async throws {
    try await SandboxedServer.with { world in
      for index in 0..<3 { _ = try await world.result("createToken", ["comment": .string("t\(index)")]) }
      let first = try await world.result("listTokens", ["limit": 2])
      let cursor = try #require(first["nextCursor"])
      let other = try await world.error("listTokens", ["limit": 2, "cursor": cursor, "scope": "workspace"])
      #expect(other["code"] == -32602)
    }
  }

  @Test func revokesOneTokenOrReportsWhyNot() async throws {
    try await SandboxedServer.with { world in
      let revoked = try await world.result("revokeToken", ["tokenId": .string(SandboxHome.oldLaptopTokenID)])
      #expect(revoked == ["revoked": [.string(SandboxHome.oldLaptopTokenID)], "failed": []])
      #expect(!world.sandbox.workspace.tokens.contains { $0.id == SandboxHome.oldLaptopTokenID })
      let missing = try await world.error("revokeToken", ["tokenId": .string(SandboxHome.oldLaptopTokenID)])
      #expect(ApplicationError(errorObject: missing) == .notFound)
      #expect(missing["data"]?["kind"] == "not_found")
      #expect(missing["data"]?["httpStatus"] == 404)
      #expect(missing["data"]?["databricksErrorCode"] == "RESOURCE_DOES_NOT_EXIST")
    }
  }

  @Test func revokesInBulkWithPerItemResultsAndProgress() async throws {
    try await SandboxedServer.with { world in
      let created = try await world.result("createToken", ["profile": "user"])
      let userToken = try #require(created["tokenId"])
      let ids: [JSONValue] = [.string(SandboxHome.oldLaptopTokenID), "missing", userToken, "missing"]
      let request: JSONValue = [
        "jsonrpc": "2.0", "id": 7, "method": "revokeToken",
        "params": ["scope": "workspace", "tokenIds": .array(ids), "_meta": ["progressToken": "bulk"]],
      ]
      world.server.connection.receive(JSONWriter.bytes(request)[...])
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == 7 } }
      let result = try #require(messages.last { $0["id"] == 7 }?["result"])
      #expect(result["revoked"] == [.string(SandboxHome.oldLaptopTokenID), userToken])
      let failed = try #require(result["failed"]?.arrayValue)
      #expect(failed.count == 1, "duplicates are revoked once")
      #expect(failed.first?["tokenId"] == "missing")
      #expect(failed.first?["error"]?["data"]?["kind"] == "not_found")
      let progress = messages.filter { $0["method"] == "notifications/progress" }
      #expect(progress.last?["params"]?["progress"] == 3)
      #expect(progress.last?["params"]?["total"] == 3)
    }
  }

  @Test func cancellingABulkRevokeStopsBetweenItemsAndReportsWhatWasDone() async throws {
    try await SandboxedServer.with { world in
      var ids: [JSONValue] = []
      for _ in 0..<8 {
        ids.append(try #require(try await world.result("createToken")["tokenId"]))
      }
      // The sandbox deletes a token as a request arrives and answers 0.15 s later, so the cancel below lands while
      // a deletion that already happened upstream is still waiting for its answer.
      world.sandbox.setLatency(seconds: 0.15)
      let request: JSONValue = [
        "jsonrpc": "2.0", "id": 50, "method": "revokeToken", "params": ["tokenIds": .array(ids)],
      ]
      world.server.connection.receive(JSONWriter.bytes(request)[...])
      // Cancel once the second deletion has reached the workspace.
      let deadline = Date(timeIntervalSinceNow: 20)
      while world.sandbox.callCount("POST", "/api/2.0/token/delete") < 2 && Date() < deadline {
        try await Task.sleep(nanoseconds: 5_000_000)
      }
      world.server.connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":50}}"#)
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == 50 } }
      let error = try #require(messages.last { $0["id"] == 50 }?["error"])
      #expect(error["code"] == -32800)
      #expect(error["data"]?["partial"]?["failed"] == [])
      let revoked = try #require(error["data"]?["partial"]?["revoked"]?.arrayValue)
      #expect(revoked.count >= 2 && revoked.count < 8)
      #expect(revoked == Array(ids.prefix(revoked.count)), "in order, with the one in flight at the cancel")
      // What the partial result says is exactly what happened upstream: the deletion in flight was awaited.
      let remaining = Set(world.sandbox.workspace.tokens.map(\.id))
      let gone = Set(ids.compactMap(\.stringValue)).subtracting(remaining)
      #expect(gone == Set(revoked.compactMap(\.stringValue)))
      // The handler has returned, so no item can start any more: every deletion sent is one reported.
      #expect(
        world.sandbox.callCount("POST", "/api/2.0/token/delete") == revoked.count,
        "no item started after the cancel"
      )
    }
  }

  @Test func readsAndChangesTheTokenPolicy() async throws {
    try await SandboxedServer.with { world in
      #expect(try await world.result("getTokenSettings") == ["maxTokenLifetimeDays": 0, "tokensEnabled": true])
      #expect(try await world.result("setMaxLifetime", ["days": 90]) == ["maxTokenLifetimeDays": 90, "previous": 0])
      #expect(try await world.result("getTokenSettings", ["profile": "user"])["maxTokenLifetimeDays"] == 90)
      #expect(try await world.result("setMaxLifetime", ["days": 0]) == ["maxTokenLifetimeDays": 0, "previous": 90])
      let denied = try await world.error("setMaxLifetime", ["profile": "user", "days": 5])
      #expect(denied["data"]?["kind"] == "permission_denied")
      let deniedToggle = try await world.error("setTokensEnabled", ["profile": "user", "enabled": false])
      #expect(deniedToggle["data"]?["kind"] == "permission_denied")
    }
  }

  @Test func disablingTokensIsAPolicyEveryPATThenMeets() async throws {
    try await SandboxedServer.with { world in
      #expect(
        try await world.result("setTokensEnabled", ["enabled": false]) == ["tokensEnabled": false, "previous": true]
      )
      let refused = try await world.error("createToken", ["profile": "user"])
      #expect(ApplicationError(errorObject: refused) == .policyViolation)
      #expect(refused["data"]?["kind"] == "policy_violation")
      #expect(refused["data"]?["httpStatus"] == 403)
    }
  }

  @Test func aRevokedOrMissingCredentialIsAuthRequired() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.revokeToken(value: world.sandbox.userToken)
      let revoked = try await world.error("listTokens", ["profile": "user"])
      #expect(ApplicationError(errorObject: revoked) == .authRequired)
      #expect(revoked["data"]?["kind"] == "auth_required")
      #expect(revoked["data"]?["httpStatus"] == 403)
      let noLogin = try await world.error("listTokens", ["profile": "needs-login"])
      #expect(ApplicationError(errorObject: noLogin) == .authRequired)
      #expect(noLogin["data"]?["profile"] == "needs-login")
      let unknown = try await world.error("listTokens", ["profile": "nope"])
      #expect(ApplicationError(errorObject: unknown) == .profileNotFound)
      #expect(unknown["data"]?["available"] == ["admin", "user", "needs-login", "sp"])
    }
  }
}

/// RFC 3339 parsing for assertions (the domain's parser, reached through the test target).
enum RFC3339Support {
  static func parse(_ text: String) -> Date? {
    ISO8601DateFormatter().date(from: text)
  }
}
