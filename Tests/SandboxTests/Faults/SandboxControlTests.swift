import Foundation
import JSON
import Sandbox
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The test controls over HTTP (`/__sandbox/`), as a client in another process uses them.
@Suite(.timeLimit(.minutes(1))) struct SandboxControlTests {
  private let list = "/api/2.0/token/list"
  private let create = "/api/2.0/token/create"

  private func inject(_ client: SandboxClient, _ rule: JSONValue) async throws {
    let reply = try await client.post("/__sandbox/faults", token: nil, body: rule)
    #expect(reply.status == 200, "\(reply.text)")
    #expect(reply.json == [:])
  }

  private func counts(_ client: SandboxClient) async throws -> JSONValue? {
    let reply = try await client.get("/__sandbox/calls", token: nil)
    #expect(reply.status == 200)
    return reply.json?["calls"]
  }

  @Test func injectedRateLimitsAreAnsweredThenCountedWithoutTheControlCalls() async throws {
    try await withSandbox { sandbox, client in
      try await inject(
        client,
        [
          "path": .string(list), "method": "get", "times": 2,
          "fault": ["kind": "status", "status": 429, "retryAfterSeconds": 1],
        ]
      )
      for _ in 0..<2 {
        let limited = try await client.get(list, token: sandbox.userToken)
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "1")
        #expect(limited.json?["error_code"] == "REQUEST_LIMIT_EXCEEDED")
      }
      #expect(try await client.get(list, token: sandbox.userToken).status == 200)
      #expect(try await counts(client) == ["GET \(list)": 3])
      #expect(sandbox.callCounts == ["GET \(list)": 3], "control calls are not counted")
    }
  }

  @Test func everyFaultKindMapsOntoTheSandboxFaults() async throws {
    try await withSandbox { sandbox, client in
      try await inject(client, ["path": .string(create), "fault": ["kind": "serviceUnavailable"]])
      try await inject(
        client,
        ["path": .string(create), "fault": ["kind": "status", "status": 503, "retryAfterSeconds": 2]]
      )
      try await inject(
        client,
        [
          "path": .string(create),
          "fault": ["kind": "status", "status": 500, "body": ["error_code": "INTERNAL_ERROR", "message": "boom"]],
        ]
      )
      try await inject(client, ["path": .string(create), "fault": ["kind": "tooManyRequests"]])
      let first = try await client.post(create, token: sandbox.userToken)
      #expect(first.status == 503)
      #expect(first.json?["error_code"] == "TEMPORARILY_UNAVAILABLE")
      #expect(first.headers["retry-after"] == nil)
      let second = try await client.post(create, token: sandbox.userToken)
      #expect(second.status == 503)
      #expect(second.headers["retry-after"] == "2")
      let third = try await client.post(create, token: sandbox.userToken)
      #expect(third.status == 500)
      #expect(third.json == ["error_code": "INTERNAL_ERROR", "message": "boom"])
      let fourth = try await client.post(create, token: sandbox.userToken)
      #expect(fourth.status == 429)
      #expect(sandbox.workspace.tokens.count == 2, "faulted calls never reach the workspace")

      try await inject(client, ["path": .string(list), "fault": ["kind": "dropConnection"]])
      // A fresh client: on a reused connection curl silently re-sends a GET that met a closed connection.
      let fresh = SandboxClient(sandbox)
      await #expect(throws: URLError.self) { try await fresh.get(list, token: sandbox.userToken) }
      fresh.session.invalidateAndCancel()

      try await inject(client, ["path": .string(list), "fault": ["kind": "delay", "seconds": 60]])
      let impatient = SandboxClient(sandbox, timeout: 1)
      await #expect(throws: URLError.self) { try await impatient.get(list, token: sandbox.userToken) }
      impatient.session.invalidateAndCancel()
      #expect(try await client.get(list, token: sandbox.userToken).status == 200)
    }
  }

  @Test func aMethodLimitsTheFaultToThatMethod() async throws {
    try await withSandbox { sandbox, client in
      try await inject(
        client,
        ["path": "/api/2.0/workspace-conf", "method": "PATCH", "fault": ["kind": "serviceUnavailable"]]
      )
      let read = try await client.get("/api/2.0/workspace-conf?keys=enableTokensConfig", token: sandbox.userToken)
      #expect(read.status == 200)
      let write = try await client.send(
        "PATCH",
        "/api/2.0/workspace-conf",
        token: sandbox.adminToken,
        body: ["maxTokenLifetimeDays": "5"]
      )
      #expect(write.status == 503)
    }
  }

  @Test func deletingClearsFaultsAndCounts() async throws {
    try await withSandbox { sandbox, client in
      try await inject(client, ["path": .string(list), "times": 5, "fault": ["kind": "serviceUnavailable"]])
      #expect(try await client.get(list, token: sandbox.userToken).status == 503)
      #expect(try await client.send("DELETE", "/__sandbox/faults", token: nil).json == [:])
      #expect(try await client.get(list, token: sandbox.userToken).status == 200)
      #expect(try await counts(client) == ["GET \(list)": 2])
      #expect(try await client.send("DELETE", "/__sandbox/calls", token: nil).status == 200)
      #expect(try await counts(client) == [:])
    }
  }

  @Test func controlCallsNeedNoCredentialAndAreNeverFaulted() async throws {
    try await withSandbox { sandbox, client in
      sandbox.injectFault(.serviceUnavailable(), path: "/__sandbox/calls")
      sandbox.setLatency(seconds: 60)
      let impatient = SandboxClient(sandbox, timeout: 5)
      let reply = try await impatient.get("/__sandbox/calls", token: "not-a-token")
      impatient.session.invalidateAndCancel()
      #expect(reply.status == 200)
      #expect(reply.json == ["calls": [:]])
    }
  }

  @Test func malformedControlRequestsAreRefusedWithoutEffect() async throws {
    try await withSandbox { sandbox, client in
      let bad: [JSONValue] = [
        ["fault": ["kind": "dropConnection"]],
        ["path": "api/2.0/token/list", "fault": ["kind": "dropConnection"]],
        ["path": "/api/2.0/token/list?x=1", "fault": ["kind": "dropConnection"]],
        ["path": .string(list), "times": 0, "fault": ["kind": "dropConnection"]],
        ["path": .string(list), "times": "2", "fault": ["kind": "dropConnection"]],
        ["path": .string(list), "method": "", "fault": ["kind": "dropConnection"]],
        ["path": .string(list)],
        ["path": .string(list), "fault": ["kind": "explode"]],
        ["path": .string(list), "fault": ["kind": "status", "status": 418]],
        ["path": .string(list), "fault": ["kind": "status", "status": 99, "body": [:]]],
        ["path": .string(list), "fault": ["kind": "status", "status": 429, "retryAfterSeconds": -1]],
        ["path": .string(list), "fault": ["kind": "delay"]],
        ["path": .string(list), "fault": ["kind": "delay", "seconds": -1]],
      ]
      for body in bad {
        let reply = try await client.post("/__sandbox/faults", token: nil, body: body)
        #expect(reply.status == 400, "\(body)")
        #expect(reply.json?["error_code"] == "INVALID_PARAMETER_VALUE")
      }
      let notJSON = try await client.send("POST", "/__sandbox/faults", token: nil, rawBody: Data("[1]".utf8))
      #expect(notJSON.status == 400)
      #expect(try await client.get(list, token: sandbox.userToken).status == 200, "nothing was injected")

      for (method, path) in [("GET", "/__sandbox/faults"), ("POST", "/__sandbox/calls"), ("GET", "/__sandbox/x")] {
        let reply = try await client.send(method, path, token: nil)
        #expect(reply.status == 404)
        #expect(reply.json?["error_code"] == "ENDPOINT_NOT_FOUND")
      }
    }
  }

  @Test func oauthTokensLetAPrincipalWithoutPATsCallTheAPI() async throws {
    try await withSandbox { sandbox, client in
      let issued = try await client.post(
        "/__sandbox/oauth-token",
        token: nil,
        body: ["userName": .string(sandbox.servicePrincipal.userName), "lifetimeSeconds": 600]
      )
      #expect(issued.status == 200)
      #expect(issued.json?["token_type"] == "Bearer")
      #expect(issued.json?["expires_in"] == 600)
      let token = try #require(issued.json?["access_token"]?.stringValue)
      let tokens = try await client.get(list, token: token)
      #expect(tokens.status == 200)
      #expect(tokens.text == "{}", "a principal without tokens gets an empty object")
      let me = try await client.get("/api/2.0/preview/scim/v2/Me", token: token)
      #expect(me.json?["userName"] == .string(sandbox.servicePrincipal.userName))

      let unknown = try await client.post("/__sandbox/oauth-token", token: nil, body: ["userName": "nobody"])
      #expect(unknown.status == 400)
      let noName = try await client.post("/__sandbox/oauth-token", token: nil, body: [:])
      #expect(noName.status == 400)
    }
  }

  /// Another process's harness sets how long the access tokens issued from now on live (an OAuth login about to
  /// expire, then long-lived refreshed tokens), and an unusable lifetime is refused.
  @Test func oauthSettingsSetTheLifetimeOfAccessTokensIssuedFromNowOn() async throws {
    try await withSandbox { sandbox, client in
      let set = try await client.post("/__sandbox/oauth-settings", token: nil, body: ["accessTokenLifetimeSeconds": 90])
      #expect(set.status == 200)
      let flow = OAuthFlow(sandbox, client)
      let reply = try await flow.exchange(try await flow.authorizeCode())
      #expect(reply.json?["expires_in"] == 90)
      for bad: JSONValue in [0, -5, 1e300, "60", 40_000_000] {
        let refused = try await client.post(
          "/__sandbox/oauth-settings",
          token: nil,
          body: ["accessTokenLifetimeSeconds": bad]
        )
        #expect(refused.status == 400, "\(bad)")
      }
    }
  }

  /// A test harness asking for an absurd lifetime gets a token that lives "practically forever", and the sandbox
  /// (in the same process as the service under `--sandbox`) keeps running.
  @Test func anAbsurdOAuthTokenLifetimeIsClampedNotATrap() async throws {
    try await withSandbox { sandbox, client in
      let issued = try await client.post(
        "/__sandbox/oauth-token",
        token: nil,
        body: ["userName": .string(sandbox.servicePrincipal.userName), "lifetimeSeconds": 1e300]
      )
      #expect(issued.status == 200)
      #expect(issued.json?["expires_in"] == .int(.max))
      let token = try #require(issued.json?["access_token"]?.stringValue)
      #expect(try await client.get("/api/2.0/preview/scim/v2/Me", token: token).status == 200)
    }
  }
}
