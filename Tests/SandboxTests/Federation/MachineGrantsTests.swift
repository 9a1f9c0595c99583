import Foundation
import JSON
import Sandbox
import Testing

/// The token endpoint's machine grants: a service principal's secret by Basic or form client authentication, and a
/// federated JWT exchanged under the seeded policy; every refusal is an RFC 6749 error body.
@Suite(.timeLimit(.minutes(1))) struct MachineGrantsTests {
  private let clientID = SandboxSeed.servicePrincipal.applicationID ?? ""
  private let secret = SandboxSeed.servicePrincipalSecret
  private let tokenPath = "/oidc/v1/token"

  private func post(
    _ client: SandboxClient,
    _ form: [(String, String)],
    basic: (String, String)? = nil,
    path: String = "/oidc/v1/token"
  ) async throws -> SandboxClient.Reply {
    let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
      .joined(separator: "&")
    var headers = ["Content-Type": "application/x-www-form-urlencoded"]
    if let (user, password) = basic {
      headers["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
    return try await client.send("POST", path, token: nil, headers: headers, rawBody: Data(body.utf8))
  }

  private func me(_ client: SandboxClient, _ reply: SandboxClient.Reply) async throws -> String? {
    let token = try #require(reply.json?["access_token"]?.stringValue)
    return try await client.get("/api/2.0/preview/scim/v2/Me", token: token).json?["userName"]?.stringValue
  }

  @Test func clientCredentialsWithBasicOrFormAuthenticationActAsTheServicePrincipal() async throws {
    try await withSandbox { sandbox, client in
      let basic = try await post(
        client,
        [("grant_type", "client_credentials"), ("scope", "all-apis")],
        basic: (clientID, secret)
      )
      #expect(basic.status == 200)
      let json = try #require(basic.json?.objectValue)
      #expect(json.keys.sorted() == ["access_token", "expires_in", "scope", "token_type"], "no refresh token")
      #expect(json["scope"] == "all-apis")
      #expect(try await me(client, basic) == clientID)
      let form = try await post(
        client,
        [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret)]
      )
      #expect(form.status == 200)
      #expect(try await me(client, form) == clientID)
      let account = try await post(
        client,
        [("grant_type", "client_credentials")],
        basic: (clientID, secret),
        path: "/oidc/accounts/\(sandbox.accountID)/v1/token"
      )
      #expect(account.status == 200, "the account's token endpoint mints for the service principal too")
      #expect(sandbox.tokenRequestCount(grantType: "client_credentials") == 3)
    }
  }

  @Test func aWrongSecretAnUnknownClientOrTwoAuthenticationMethodsAreRefused() async throws {
    try await withSandbox { _, client in
      let grant = [("grant_type", "client_credentials")]
      let wrong = try await post(client, grant, basic: (clientID, "dose" + String(repeating: "0", count: 32)))
      #expect(wrong.status == 401)
      #expect(wrong.text == #"{"error":"invalid_client","error_description":"Client authentication failed"}"#)
      let unknown = try await post(client, grant, basic: ("databricks-cli", secret))
      #expect(unknown.status == 401)
      let none = try await post(client, grant)
      #expect(none.status == 401)
      let both = try await post(
        client,
        grant + [("client_id", clientID), ("client_secret", secret)],
        basic: (clientID, secret)
      )
      #expect(both.status == 400)
      #expect(both.json?["error"] == "invalid_request")
    }
  }

  @Test func aFederatedJWTIsExchangedWithOrWithoutTheClientID() async throws {
    try await withSandbox { sandbox, client in
      let exchange = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), ("scope", "all-apis"),
      ]
      let jwt = sandbox.workspace.mintSubjectToken()
      let withClient = try await post(client, exchange + [("subject_token", jwt), ("client_id", clientID)])
      #expect(withClient.status == 200)
      #expect(try await me(client, withClient) == clientID)
      let accountWide = try await post(client, exchange + [("subject_token", jwt)])
      #expect(accountWide.status == 200)
      let endpointAudience = sandbox.workspace.mintSubjectToken(audience: sandbox.baseURL.absoluteString + tokenPath)
      let toEndpoint = try await post(client, exchange + [("subject_token", endpointAudience)])
      #expect(toEndpoint.status == 200, "the token endpoint's own URL is an accepted audience")
      let otherClient = try await post(client, exchange + [("subject_token", jwt), ("client_id", "databricks-cli")])
      #expect(otherClient.status == 400, "the policy maps to another service principal")
    }
  }

  @Test func aJWTNoPolicyAcceptsIsInvalidRequest() async throws {
    try await withSandbox { sandbox, client in
      let exchange = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
      ]
      let workspace = sandbox.workspace
      let valid = workspace.mintSubjectToken()
      let refused: [(String, String)] = [
        ("issuer", workspace.mintSubjectToken(issuer: "https://issuer.elsewhere.example")),
        ("subject", workspace.mintSubjectToken(subject: "repo:someone/else:ref:refs/heads/main")),
        ("audience", workspace.mintSubjectToken(audience: "https://elsewhere.example")),
        ("expired", workspace.mintSubjectToken(lifetimeSeconds: -1)),
        ("altered", String(valid.dropLast(4)) + "AAAA"),
        ("not a JWT", "not-a-jwt"),
      ]
      for (what, token) in refused {
        let reply = try await post(client, exchange + [("subject_token", token)])
        #expect(reply.status == 400, "\(what)")
        #expect(reply.json?["error"] == "invalid_request", "\(what)")
      }
      let wrongType = try await post(
        client,
        [("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", valid)]
      )
      #expect(wrongType.json?["error"] == "invalid_request")
      sandbox.advanceClock(bySeconds: 301)
      let aged = try await post(client, exchange + [("subject_token", valid)])
      #expect(aged.json?["error_description"] == "The subject token has expired", "expiry is on the sandbox clock")
    }
  }

  @Test func theFakeGitHubEndpointMintsForTheAskedAudienceAndOnlyForItsRequestToken() async throws {
    try await withSandbox { sandbox, client in
      let audience = sandbox.baseURL.absoluteString + tokenPath
      let query =
        "?api-version=2.0&audience=" + (audience.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
      let refused = try await client.get("/__sandbox/github-oidc" + query, token: "ghs_wrong")
      #expect(refused.status == 401)
      let reply = try await client.get("/__sandbox/github-oidc" + query, token: SandboxSeed.githubRequestToken)
      #expect(reply.status == 200)
      let jwt = try #require(reply.json?["value"]?.stringValue)
      let exchanged = try await post(
        client,
        [
          ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
          ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), ("subject_token", jwt),
        ]
      )
      #expect(exchanged.status == 200)
    }
  }
}
