import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// `getToken {rejectedToken}` and the token endpoint's `X-Brickauth-Rejected-Token`: a token Databricks refused is
/// replaced once however many callers report it, and a token already replaced costs no request to Databricks.
@Suite(.timeLimit(.minutes(1))) struct RejectedTokenTests {
  /// Logs `needs-login` in with hour-long tokens (no refresh is due) and returns its access token.
  func loggedIn(_ world: SandboxedServer) async throws -> String {
    world.sandbox.setAccessTokenLifetime(seconds: 3600)
    _ = try await world.result("login", ["profile": "needs-login"])
    let token = try #require(try await world.result("getToken", ["profile": "needs-login"])["accessToken"]?.stringValue)
    #expect(world.sandbox.tokenRequestCount(grantType: "refresh_token") == 0, "a fresh token is not refreshed")
    return token
  }

  /// Token endpoint requests as `/__sandbox/calls` counts them, and those among them that were refreshes.
  func refreshes(_ world: SandboxedServer) -> (calls: Int, refreshes: Int) {
    (world.sandbox.callCount("POST", "/oidc/v1/token"), world.sandbox.tokenRequestCount(grantType: "refresh_token"))
  }

  @Test func fiftyCallersRejectingTheSameTokenCauseOneRefreshAndAReplacedOneNone() async throws {
    try await SandboxedServer.with { world in
      let refused = try await loggedIn(world)
      let callsBefore = refreshes(world).calls
      let answers = try await withThrowingTaskGroup(of: JSONValue.self) { group in
        for _ in 0..<50 {
          group.addTask {
            try await world.result("getToken", ["profile": "needs-login", "rejectedToken": .string(refused)])
          }
        }
        return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
      }
      #expect(refreshes(world).refreshes == 1)
      #expect(refreshes(world).calls == callsBefore + 1, "one request reached the token endpoint")
      let replacements = Set(answers.compactMap { $0["accessToken"]?.stringValue })
      #expect(replacements.count == 1)
      let replacement = try #require(replacements.first)
      #expect(replacement != refused)

      // The refused token again (a slow caller), and a token never held: both get the current one, no request.
      for stale in [refused, "eyJ.never-held-by-anyone"] {
        let again = try await world.result("getToken", ["profile": "needs-login", "rejectedToken": .string(stale)])
        #expect(again["accessToken"] == .string(replacement))
      }
      #expect(refreshes(world).refreshes == 1)
      #expect(refreshes(world).calls == callsBefore + 1)
      // Rejecting the replacement replaces it, once more.
      let third = try await world.result(
        "getToken",
        ["profile": "needs-login", "rejectedToken": .string(replacement)]
      )
      #expect(third["accessToken"] != .string(replacement))
      #expect(refreshes(world).refreshes == 2)
    }
  }

  /// Another process (a second service on the same files) replaced the token: this one still holds the old token in
  /// memory, and a caller rejecting it gets the other process's token from the token cache, with no request.
  @Test func aTokenAnotherProcessAlreadyReplacedIsNotRefreshedAgain() async throws {
    try await SandboxedServer.with { world in
      let refused = try await loggedIn(world)
      let other = InProcessServer(environment: world.home.environment(replacing: [:]), browser: .followRedirects)
      let forced = try await other.call("getToken", id: 1, params: ["profile": "needs-login", "forceRefresh": true])
      let replacement = try #require(forced["result"]?["accessToken"]?.stringValue)
      #expect(replacement != refused)
      #expect(refreshes(world).refreshes == 1)
      let answer = try await world.result("getToken", ["profile": "needs-login", "rejectedToken": .string(refused)])
      #expect(answer["accessToken"] == .string(replacement))
      #expect(refreshes(world).refreshes == 1, "the other process's refresh is used")
    }
  }

  /// A PAT cannot be refreshed: a refused one is `auth_required`, as a dead token is, and says why without the token.
  @Test func aRefusedPATNeedsALogin() async throws {
    try await SandboxedServer.with { world in
      let pat = world.sandbox.adminToken
      let refused = try await world.error("getToken", ["profile": "admin", "rejectedToken": .string(pat)])
      #expect(ApplicationError(errorObject: refused) == .authRequired)
      #expect(refused["data"]?["kind"] == "auth_required")
      #expect(refused["data"]?["profile"] == "admin")
      #expect(refused["message"]?.stringValue?.contains("refused its personal access token") == true)
      #expect(!String(decoding: JSONWriter.bytes(refused), as: UTF8.self).contains(pat))
      let other = try await world.result("getToken", ["profile": "admin", "rejectedToken": "dapi-some-older-token"])
      #expect(other["accessToken"] == .string(pat), "a token that is not the PAT: the PAT is what we hold")
    }
  }

  @Test func aRejectedTokenIsCheckedAndNeverEchoed() async throws {
    try await SandboxedServer.with { world in
      let secret = "eyJ.secret-" + String(repeating: "x", count: 65_536)
      for params: JSONValue in [
        ["profile": "admin", "rejectedToken": ""],
        ["profile": "admin", "rejectedToken": .string(secret)],
        ["profile": "admin", "rejectedToken": "eyJ.secret-short", "forceRefresh": true],
      ] {
        let error = try await world.error("getToken", params)
        #expect(error["code"] == -32602)
        #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/rejectedToken")
        #expect(!String(decoding: JSONWriter.bytes(error), as: UTF8.self).contains("eyJ.secret"))
      }
    }
  }

  /// The same rule on the token endpoint, for a wrapper around a child process: the header names the refused token.
  @Test func theTokenEndpointTakesTheRejectedTokenInAHeader() async throws {
    try await SandboxedServer.with { world in
      let refused = try await loggedIn(world)
      let served = try MetadataServiceTests.Served(
        try await world.result("serveCredentials", ["profile": "needs-login"])
      )
      let header = "X-Brickauth-Rejected-Token: \(refused)"
      let answers = try await withThrowingTaskGroup(of: (status: Int, body: JSONValue?).self) { group in
        for _ in 0..<8 { group.addTask { try await served.get(extra: header) } }
        return try await group.reduce(into: [(status: Int, body: JSONValue?)]()) { $0.append($1) }
      }
      #expect(answers.allSatisfy { $0.status == 200 })
      let tokens = Set(answers.compactMap { $0.body?["access_token"]?.stringValue })
      #expect(tokens.count == 1)
      #expect(tokens.first != refused)
      #expect(refreshes(world).refreshes == 1)
      #expect(try await served.get(extra: header).body?["access_token"]?.stringValue == tokens.first)
      #expect(refreshes(world).refreshes == 1, "already replaced: no request")
      let twice = try await served.get(extra: header + "\r\n" + header)
      #expect(twice.status == 400)
      #expect(twice.body?["error"] == "invalid_rejected_token")

      let pat = try MetadataServiceTests.Served(try await world.result("serveCredentials", ["profile": "admin"]))
      let dead = try await pat.get(extra: "X-Brickauth-Rejected-Token: \(world.sandbox.adminToken)")
      #expect(dead.status == 401)
      #expect(dead.body?["error"] == "login_required")
      #expect(!String(decoding: JSONWriter.bytes(dead.body ?? .null), as: UTF8.self).contains(world.sandbox.adminToken))
      let older = try await pat.get(extra: "X-Brickauth-Rejected-Token: dapi-older")
      #expect(older.body?["access_token"]?.stringValue == world.sandbox.adminToken)
    }
  }
}
