import Foundation
import JSON
import Sandbox
import Testing

/// Discovery documents of the workspace and its account, and the 404s around them.
@Suite(.timeLimit(.minutes(1))) struct OIDCDiscoveryTests {
  @Test func workspaceDiscoveryNamesTheWorkspaceEndpoints() async throws {
    try await withSandbox { sandbox, client in
      let reply = try await client.get("/oidc/.well-known/oauth-authorization-server", token: nil)
      #expect(reply.status == 200)
      #expect(reply.headers["content-type"] == "application/json")
      let base = "http://127.0.0.1:\(sandbox.port)"
      #expect(
        reply.json == [
          "issuer": .string(base + "/oidc"),
          "authorization_endpoint": .string(base + "/oidc/v1/authorize"),
          "token_endpoint": .string(base + "/oidc/v1/token"),
          "response_types_supported": ["code"],
          "response_modes_supported": ["query"],
          "grant_types_supported": [
            "authorization_code", "refresh_token", "client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange",
          ],
          "code_challenge_methods_supported": ["S256"],
          "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
          "scopes_supported": ["all-apis", "offline_access"],
        ]
      )
    }
  }

  @Test func accountDiscoveryNamesTheAccountEndpoints() async throws {
    try await withSandbox { sandbox, client in
      #expect(sandbox.accountID == SandboxSeed.accountID)
      let prefix = "/oidc/accounts/\(sandbox.accountID)"
      let reply = try await client.get(prefix + "/.well-known/oauth-authorization-server", token: nil)
      #expect(reply.status == 200)
      let issuer = sandbox.baseURL.absoluteString + prefix
      #expect(reply.json?["issuer"] == .string(issuer))
      #expect(reply.json?["authorization_endpoint"] == .string(issuer + "/v1/authorize"))
      #expect(reply.json?["token_endpoint"] == .string(issuer + "/v1/token"))
    }
  }

  @Test func aConfiguredAccountIDIsServedInstead() async throws {
    var configuration = SandboxConfiguration()
    configuration.accountID = "11111111-2222-4333-8444-555555555555"
    try await withSandbox(configuration) { sandbox, client in
      #expect(sandbox.accountID == "11111111-2222-4333-8444-555555555555")
      let path = "/oidc/accounts/11111111-2222-4333-8444-555555555555/.well-known/oauth-authorization-server"
      let configured = try await client.get(path, token: nil)
      #expect(configured.status == 200)
      let seeded = "/oidc/accounts/\(SandboxSeed.accountID)/.well-known/oauth-authorization-server"
      #expect(try await client.get(seeded, token: nil).status == 404)
    }
  }

  @Test func unknownAccountsAre404OnEveryEndpoint() async throws {
    try await withSandbox { _, client in
      let prefix = "/oidc/accounts/00000000-0000-0000-0000-000000000000"
      for (method, path) in [
        ("GET", "/.well-known/oauth-authorization-server"), ("GET", "/v1/authorize?client_id=databricks-cli"),
        ("POST", "/v1/token"),
      ] {
        let reply = try await client.send(method, prefix + path, token: nil)
        #expect(reply.status == 404, "\(method) \(path)")
        #expect(
          reply.json == [
            "error_code": "RESOURCE_DOES_NOT_EXIST",
            "message": "Account 00000000-0000-0000-0000-000000000000 does not exist.",
          ]
        )
      }
    }
  }

  @Test func otherPathsAndMethodsUnderOIDCAreNotFound() async throws {
    try await withSandbox { sandbox, client in
      for (method, path) in [
        ("GET", "/oidc/v1/nope"), ("GET", "/oidc/accounts//v1/token"), ("GET", "/oidc/v1/token"),
        ("POST", "/oidc/.well-known/oauth-authorization-server"), ("GET", "/oidc/.well-known/openid-configuration"),
        ("GET", "/.well-known/oauth-authorization-server"),
      ] {
        let reply = try await client.send(method, path, token: sandbox.adminToken)
        #expect(reply.status == 404, "\(method) \(path)")
        #expect(reply.json?["error_code"] == "ENDPOINT_NOT_FOUND")
      }
    }
  }

  @Test func discoveryNeedsNoCredentialAndIgnoresABadOne() async throws {
    try await withSandbox { _, client in
      let reply = try await client.get("/oidc/.well-known/oauth-authorization-server", token: "not-a-token")
      #expect(reply.status == 200)
    }
  }
}
