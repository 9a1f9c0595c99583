import Foundation
import JSON
import Sandbox
import Testing

/// Refresh tokens rotate on every use, access tokens expire on the sandbox clock, and every unusable refresh token
/// gets the exact body real workspaces send.
@Suite(.timeLimit(.minutes(1))) struct OIDCRefreshTests {
  private let invalidRefreshToken = #"{"error":"invalid_request","error_description":"Refresh token is invalid"}"#

  @Test func refreshRotatesTheRefreshToken() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let (firstAccess, firstRefresh) = try await flow.login()
      let reply = try await flow.refresh(firstRefresh)
      #expect(reply.status == 200)
      #expect(reply.headers["cache-control"] == "no-store")
      let json = try #require(reply.json?.objectValue)
      #expect(json.keys.sorted() == ["access_token", "expires_in", "refresh_token", "scope", "token_type"])
      #expect(json["scope"] == "offline_access all-apis")
      let secondAccess = try #require(json["access_token"]?.stringValue)
      let secondRefresh = try #require(json["refresh_token"]?.stringValue)
      #expect(secondAccess != firstAccess)
      #expect(secondRefresh != firstRefresh)
      #expect(try await flow.userName(of: secondAccess) == "admin@sandbox.example")
      #expect(try await flow.userName(of: firstAccess) == "admin@sandbox.example", "old access tokens live on")

      let reused = try await flow.refresh(firstRefresh)
      #expect(reused.status == 400)
      #expect(reused.text == invalidRefreshToken)

      let third = try await flow.refresh(secondRefresh)
      #expect(third.status == 200, "the rotated-in token works, and reusing the old one did not revoke it")
      #expect(sandbox.liveRefreshTokenCount == 1)
      #expect(sandbox.tokenRequestCount(grantType: "refresh_token") == 3)
      #expect(sandbox.tokenRequestCount(grantType: "authorization_code") == 1)
    }
  }

  @Test func aNonRotatingRefreshAnswersWithoutARefreshTokenAndKeepsTheOldOneValid() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let (_, refreshToken) = try await flow.login()
      sandbox.setRefreshTokensRotate(false)
      let first = try await flow.refresh(refreshToken)
      #expect(first.status == 200)
      #expect(first.json?.objectValue?.keys.sorted() == ["access_token", "expires_in", "scope", "token_type"])
      let second = try await flow.refresh(refreshToken)
      #expect(second.status == 200, "the presented refresh token is still valid")
      #expect(second.json?["access_token"] != first.json?["access_token"])
      #expect(sandbox.liveRefreshTokenCount == 1)

      sandbox.setRefreshTokensRotate(true)
      let rotated = try await flow.refresh(refreshToken)
      #expect(rotated.json?["refresh_token"]?.stringValue?.hasPrefix("sbxrt-") == true, "rotation is back on")
      #expect(try await flow.refresh(refreshToken).text == invalidRefreshToken)
    }
  }

  @Test func reuseCanRevokeTheWholeFamily() async throws {
    var configuration = SandboxConfiguration()
    configuration.refreshTokenReuseRevokesFamily = true
    try await withSandbox(configuration) { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let (_, first) = try await flow.login()
      let (_, otherLogin) = try await flow.login()
      let second = try #require(try await flow.refresh(first).json?["refresh_token"]?.stringValue)
      #expect(try await flow.refresh(first).text == invalidRefreshToken)
      #expect(try await flow.refresh(second).text == invalidRefreshToken, "the reuse revoked its successor")
      #expect(try await flow.refresh(otherLogin).status == 200, "other logins are untouched")
    }
  }

  @Test func accessTokensExpireOnTheSandboxClock() async throws {
    try await withSandbox { sandbox, client in
      sandbox.setAccessTokenLifetime(seconds: 600)
      let flow = OAuthFlow(sandbox, client)
      let reply = try await flow.exchange(try await flow.authorizeCode())
      #expect(reply.json?["expires_in"] == 600)
      let accessToken = try #require(reply.json?["access_token"]?.stringValue)
      let refreshToken = try #require(reply.json?["refresh_token"]?.stringValue)
      #expect(try await flow.userName(of: accessToken) == "admin@sandbox.example")

      // The sandbox clock also moves with real time: leave a wide margin for a slow, loaded machine.
      sandbox.advanceClock(bySeconds: 300)
      #expect(try await client.get("/api/2.0/preview/scim/v2/Me", token: accessToken).status == 200)
      sandbox.advanceClock(bySeconds: 301)
      let expired = try await client.get("/api/2.0/preview/scim/v2/Me", token: accessToken)
      #expect(expired.status == 403)
      #expect(expired.text == #"{"error_code":403,"message":"Invalid Token"}"#)

      let refreshed = try await flow.refresh(refreshToken)
      #expect(refreshed.status == 200, "refresh tokens outlive access tokens")
      let fresh = try #require(refreshed.json?["access_token"]?.stringValue)
      #expect(try await flow.userName(of: fresh) == "admin@sandbox.example")
    }
  }

  @Test func revokedRefreshTokensAreInvalid() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let (accessToken, refreshToken) = try await flow.login()
      #expect(sandbox.revokeRefreshToken(refreshToken))
      #expect(!sandbox.revokeRefreshToken(refreshToken), "already gone")
      let reply = try await flow.refresh(refreshToken)
      #expect(reply.status == 400)
      #expect(reply.text == invalidRefreshToken)
      #expect(try await flow.userName(of: accessToken) == "admin@sandbox.example", "the access token is not revoked")
      #expect(!sandbox.revokeRefreshToken("sbxrt-made-up"))
    }
  }

  @Test func refreshTokensOfAnotherIssuerOrMadeUpAreInvalid() async throws {
    try await withSandbox { sandbox, client in
      let workspace = OAuthFlow(sandbox, client)
      let (_, refreshToken) = try await workspace.login()
      var account = workspace
      account.prefix = "/oidc/accounts/\(sandbox.accountID)"
      #expect(try await account.refresh(refreshToken).text == invalidRefreshToken)
      #expect(try await workspace.refresh("sbxrt-made-up").text == invalidRefreshToken)
      #expect(try await workspace.refresh(refreshToken).status == 200, "a refusal elsewhere leaves it live")
    }
  }

  @Test func refreshNeedsTheClientAndTheToken() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let (_, refreshToken) = try await flow.login()
      let noClient = try await flow.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
      #expect(noClient.status == 401)
      #expect(noClient.json?["error"] == "invalid_client")
      let noToken = try await flow.token([("grant_type", "refresh_token"), ("client_id", "databricks-cli")])
      #expect(noToken.status == 400)
      #expect(
        noToken.json == ["error": "invalid_request", "error_description": "Missing required parameter: refresh_token"]
      )
      #expect(try await flow.refresh(refreshToken).status == 200)
    }
  }
}
