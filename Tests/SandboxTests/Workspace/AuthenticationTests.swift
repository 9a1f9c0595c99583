import Foundation
import JSON
import Sandbox
import Testing

/// Credentials on `/api/` calls, with the exact status codes and bodies real workspaces send: 401 for no credential,
/// 403 "Invalid access token." for a bad one, both with the integer HTTP status as `error_code`.
@Suite(.timeLimit(.minutes(1))) struct AuthenticationTests {
  private let me = "/api/2.0/preview/scim/v2/Me"

  @Test func noCredentialIs401WithAnIntegerErrorCode() async throws {
    try await withSandbox { _, client in
      for headers in [[:], ["Authorization": "Basic dXNlcjpwYXNz"], ["Authorization": "Bearer "]] {
        let reply = try await client.send("GET", me, token: nil, headers: headers)
        #expect(reply.status == 401)
        #expect(reply.json?["error_code"] == 401)
        let message = try #require(reply.json?["message"]?.stringValue)
        #expect(message.hasPrefix("Credential was not sent or was of an unsupported type for this API. [ReqId: "))
        #expect(message.hasSuffix("]"))
        #expect(reply.json?.objectValue?.count == 2)
      }
    }
  }

  @Test func unknownRevokedAndExpiredPATsGetTheSame403Body() async throws {
    try await withSandbox { sandbox, client in
      let created = try await client.post("/api/2.0/token/create", token: sandbox.userToken, body: ["comment": "x"])
      let token = try #require(created.json?["token_value"]?.stringValue)
      let other = try #require(
        try await client.post("/api/2.0/token/create", token: sandbox.userToken).json?["token_value"]?.stringValue
      )
      #expect(sandbox.revokeToken(value: token))
      #expect(sandbox.expireToken(value: other))
      for bad in ["dapi00000000000000000000000000000000", "not-a-token", token, other] {
        let reply = try await client.get(me, token: bad)
        #expect(reply.status == 403)
        #expect(reply.text == #"{"error_code":403,"message":"Invalid access token."}"#)
        #expect(reply.body.count == 52, "the 52-byte body of databricks-sdk-go#873")
      }
      #expect(!sandbox.revokeToken(value: token), "already gone")
    }
  }

  @Test func tokensStopWorkingWhenTheirLifetimeRunsOut() async throws {
    try await withSandbox { sandbox, client in
      let created = try await client.post(
        "/api/2.0/token/create",
        token: sandbox.userToken,
        body: ["lifetime_seconds": 60]
      )
      let token = try #require(created.json?["token_value"]?.stringValue)
      #expect(try await client.get(me, token: token).status == 200)
      sandbox.advanceClock(bySeconds: 61)
      #expect(try await client.get(me, token: token).status == 403)
      #expect(try await client.get(me, token: sandbox.userToken).status == 200, "bootstrap tokens never expire")
    }
  }

  @Test func oauthAccessTokensMapToTheirUserAndFailWithInvalidToken() async throws {
    try await withSandbox { sandbox, client in
      let token = try #require(sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.user.userName))
      #expect(token.hasPrefix("eyJ"))
      #expect(token.split(separator: ".").count == 3)
      let reply = try await client.get(me, token: token)
      #expect(reply.status == 200)
      #expect(reply.json?["userName"] == "user@sandbox.example")

      let forged = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
      sandbox.expireToken(value: token)
      for bad in [token, forged] {
        let rejected = try await client.get(me, token: bad)
        #expect(rejected.status == 403)
        #expect(rejected.text == #"{"error_code":403,"message":"Invalid Token"}"#)
      }
      #expect(sandbox.workspace.issueOAuthAccessToken(userName: "nobody@sandbox.example") == nil)
    }
  }

  @Test func oauthTokensExpireWithTheClock() async throws {
    try await withSandbox { sandbox, client in
      let token = try #require(sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.admin.userName))
      #expect(try await client.get(me, token: token).status == 200)
      sandbox.advanceClock(bySeconds: 3601)
      #expect(try await client.get(me, token: token).json?["message"] == "Invalid Token")
    }
  }

  @Test func unknownEndpointsAndWrongMethodsAreEndpointNotFound() async throws {
    try await withSandbox { sandbox, client in
      let unknown = try await client.get("/api/2.0/nope?x=1", token: sandbox.userToken)
      #expect(unknown.status == 404)
      #expect(unknown.json == ["error_code": "ENDPOINT_NOT_FOUND", "message": "No API found for 'GET /nope'"])

      let wrongMethod = try await client.get("/api/2.0/token/create", token: sandbox.userToken)
      #expect(wrongMethod.status == 404)
      #expect(wrongMethod.json?["message"] == "No API found for 'GET /token/create'")

      let outsideAPI = try await client.get("/", token: nil)
      #expect(outsideAPI.status == 404)
      #expect(outsideAPI.json?["error_code"] == "ENDPOINT_NOT_FOUND")

      let unauthenticated = try await client.get("/api/2.0/nope", token: nil)
      #expect(unauthenticated.status == 401, "credentials are checked before routing")
    }
  }

  @Test func malformedBodiesAreMalformedRequests() async throws {
    try await withSandbox { sandbox, client in
      for body in ["{", "[]", "42"] {
        let reply = try await client.send(
          "POST",
          "/api/2.0/token/create",
          token: sandbox.userToken,
          headers: ["Content-Type": "application/json"],
          rawBody: Data(body.utf8)
        )
        #expect(reply.status == 400)
        #expect(reply.json?["error_code"] == "MALFORMED_REQUEST")
      }
      let wrongType = try await client.post(
        "/api/2.0/token/create",
        token: sandbox.userToken,
        body: ["lifetime_seconds": "soon"]
      )
      #expect(wrongType.status == 400)
      #expect(wrongType.json?["error_code"] == "MALFORMED_REQUEST")
    }
  }
}
