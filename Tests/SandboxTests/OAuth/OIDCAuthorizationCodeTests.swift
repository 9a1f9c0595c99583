import Basics
import Databricks
import Foundation
import JSON
import Sandbox
import Testing

/// The authorization code flow with PKCE, as `databricks auth login` runs it, and everything the
/// authorize and token endpoints refuse.
@Suite(.timeLimit(.minutes(1))) struct OIDCAuthorizationCodeTests {
  private let me = "/api/2.0/preview/scim/v2/Me"

  @Test func theCodeFlowGivesAnAccessTokenForTheConsentingUser() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let answer = try await flow.authorize()
      #expect(answer.status == 302)
      #expect(answer.body.isEmpty)
      let location = try #require(answer.location)
      #expect(location.hasPrefix("http://localhost:8020?code=sbxcode-"))
      #expect(answer.parameters.keys.sorted() == ["code", "state"])
      #expect(answer.parameters["state"] == flow.state)

      let reply = try await flow.exchange(try #require(answer.parameters["code"]))
      #expect(reply.status == 200)
      #expect(reply.headers["cache-control"] == "no-store")
      let json = try #require(reply.json?.objectValue)
      #expect(json.keys.sorted() == ["access_token", "expires_in", "refresh_token", "scope", "token_type"])
      #expect(json["token_type"] == "Bearer")
      #expect(json["expires_in"] == 3600)
      #expect(json["scope"] == "offline_access all-apis")
      let accessToken = try #require(json["access_token"]?.stringValue)
      #expect(accessToken.hasPrefix("eyJ"))
      #expect(try #require(json["refresh_token"]?.stringValue).hasPrefix("sbxrt-"))

      #expect(try await flow.userName(of: accessToken) == "admin@sandbox.example")
      #expect(sandbox.tokenRequestCount(grantType: "authorization_code") == 1)
      #expect(sandbox.tokenRequestCount(grantType: "refresh_token") == 0)
      #expect(sandbox.callCount("GET", "/oidc/v1/authorize") == 1)
      #expect(sandbox.callCount("POST", "/oidc/v1/token") == 1)
    }
  }

  @Test func theAccessTokenCarriesTheGrantedScopeAndUser() async throws {
    try await withSandbox { sandbox, client in
      sandbox.setStandingConsent(.approve(as: SandboxSeed.user))
      var flow = OAuthFlow(sandbox, client)
      flow.scope = "offline_access sql"
      let (accessToken, _) = try await flow.login()
      let claims = try #require(Base64URL.decode(String(accessToken.split(separator: ".")[1])))
      let json = try JSONParser.parse(claims)
      #expect(json["sub"] == "user@sandbox.example")
      #expect(json["scope"] == "offline_access sql")
      #expect(try await flow.userName(of: accessToken) == "user@sandbox.example")
    }
  }

  @Test func withoutOfflineAccessThereIsNoRefreshToken() async throws {
    try await withSandbox { sandbox, client in
      var flow = OAuthFlow(sandbox, client)
      flow.scope = "all-apis"
      let reply = try await flow.exchange(try await flow.authorizeCode())
      #expect(reply.status == 200)
      #expect(reply.json?["refresh_token"] == nil)
      #expect(reply.json?["scope"] == "all-apis")
      #expect(sandbox.liveRefreshTokenCount == 0)
    }
  }

  @Test func theAccountFlowWorksAndCodesStayWithTheirIssuer() async throws {
    try await withSandbox { sandbox, client in
      var account = OAuthFlow(sandbox, client)
      account.prefix = "/oidc/accounts/\(sandbox.accountID)"
      account.redirectURI = "http://127.0.0.1:8021"
      let (accessToken, _) = try await account.login()
      #expect(try await account.userName(of: accessToken) == "admin@sandbox.example")

      var workspace = account
      workspace.prefix = "/oidc"
      let crossed = try await workspace.exchange(try await account.authorizeCode())
      #expect(crossed.status == 400)
      #expect(
        crossed.json == [
          "error": "invalid_grant", "error_description": "Authorization code was issued to another client",
        ]
      )
    }
  }

  // MARK: Token endpoint refusals

  @Test func aWrongVerifierIsRefusedAndUsesUpTheCode() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let code = try await flow.authorizeCode()
      let wrong = try await flow.token([
        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", flow.redirectURI),
        ("code_verifier", "short"), ("client_id", "databricks-cli"),
      ])
      #expect(wrong.status == 400)
      #expect(wrong.headers["cache-control"] == "no-store")
      #expect(wrong.json?["error"] == "invalid_grant")
      let retried = try await flow.exchange(code)
      #expect(retried.status == 400)
      #expect(
        retried.text
          == #"{"error":"invalid_grant","error_description":"Authorization code is invalid or has already been used"}"#
      )
    }
  }

  @Test func aWrongVerifierGetsThePKCEBody() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let reply = try await flow.token([
        ("grant_type", "authorization_code"), ("code", try await flow.authorizeCode()),
        ("redirect_uri", flow.redirectURI),
        ("code_verifier", PKCE.randomVerifier()), ("client_id", "databricks-cli"),
      ])
      #expect(reply.status == 400)
      #expect(
        reply.text
          == #"{"error":"invalid_grant","error_description":"PKCE verification failed: code_verifier does not match code_challenge"}"#
      )
    }
  }

  @Test func theRFC7636ExamplePairIsAccepted() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      var parameters = flow.authorizeParameters
      parameters[5] = ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
      let code = try #require(try await flow.authorize(parameters).parameters["code"])
      let reply = try await flow.token([
        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", flow.redirectURI),
        ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), ("client_id", "databricks-cli"),
      ])
      #expect(reply.status == 200)
    }
  }

  @Test func aReusedCodeIsRefused() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let code = try await flow.authorizeCode()
      #expect(try await flow.exchange(code).status == 200)
      let again = try await flow.exchange(code)
      #expect(again.status == 400)
      #expect(
        again.text
          == #"{"error":"invalid_grant","error_description":"Authorization code is invalid or has already been used"}"#
      )
      #expect(sandbox.tokenRequestCount(grantType: "authorization_code") == 2)
    }
  }

  @Test func aDifferentRedirectURIIsRefused() async throws {
    try await withSandbox { sandbox, client in
      var flow = OAuthFlow(sandbox, client)
      let code = try await flow.authorizeCode()
      flow.redirectURI = "http://localhost:8021"
      let reply = try await flow.exchange(code)
      #expect(reply.status == 400)
      #expect(
        reply.text
          == #"{"error":"invalid_grant","error_description":"redirect_uri does not match the one in the authorization request"}"#
      )
    }
  }

  @Test func codesExpireAfterFiveMinutesOfSandboxTime() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let code = try await flow.authorizeCode()
      sandbox.advanceClock(bySeconds: 301)
      let reply = try await flow.exchange(code)
      #expect(reply.status == 400)
      #expect(reply.text == #"{"error":"invalid_grant","error_description":"Authorization code has expired"}"#)
    }
  }

  @Test func missingParametersAreInvalidRequests() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let code = try await flow.authorizeCode()
      let complete = [
        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", flow.redirectURI),
        ("code_verifier", flow.verifier), ("client_id", "databricks-cli"),
      ]
      for missing in ["grant_type", "code", "redirect_uri", "code_verifier"] {
        let reply = try await flow.token(complete.filter { $0.0 != missing })
        #expect(reply.status == 400)
        #expect(
          reply.json == [
            "error": "invalid_request", "error_description": .string("Missing required parameter: \(missing)"),
          ]
        )
      }
      let repeated = try await flow.token(complete + [("code", code)])
      #expect(
        repeated.json == ["error": "invalid_request", "error_description": "Parameter 'code' must not be repeated"]
      )
      #expect(try await flow.exchange(code).status == 200, "refusals before redemption leave the code alone")
    }
  }

  @Test func unknownClientsAreInvalidClient() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      for clientID in [nil, "", "someone-else"] {
        var fields = [("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", flow.redirectURI)]
        if let clientID { fields.append(("client_id", clientID)) }
        let reply = try await flow.token(fields)
        #expect(reply.status == 401)
        #expect(reply.text == #"{"error":"invalid_client","error_description":"Client authentication failed"}"#)
      }
    }
  }

  @Test func otherGrantTypesAndBodiesAreRefused() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let password = try await flow.token([("grant_type", "password"), ("client_id", "databricks-cli")])
      #expect(password.status == 400)
      #expect(
        password.json == [
          "error": "unsupported_grant_type", "error_description": "Grant type 'password' is not supported",
        ]
      )
      #expect(sandbox.tokenRequestCount(grantType: "password") == 1)

      let json = try await flow.token([("grant_type", "refresh_token")], contentType: "application/json")
      #expect(json.status == 400)
      #expect(
        json.json == [
          "error": "invalid_request", "error_description": "Content-Type must be application/x-www-form-urlencoded",
        ]
      )
      let withCharset = try await flow.token(
        [("grant_type", "password"), ("client_id", "databricks-cli")],
        contentType: "Application/X-WWW-Form-URLEncoded; charset=utf-8"
      )
      #expect(withCharset.json?["error"] == "unsupported_grant_type", "media types are case-insensitive")

      let malformed = try await client.send(
        "POST",
        "/oidc/v1/token",
        token: nil,
        headers: ["Content-Type": "application/x-www-form-urlencoded"],
        rawBody: Data("grant_type=%zz".utf8)
      )
      #expect(
        malformed.json == ["error": "invalid_request", "error_description": "The request body is not form-encoded"]
      )
      #expect(sandbox.tokenRequestCount(grantType: "") == 1)
    }
  }

  // MARK: Authorize refusals

  @Test func unknownClientsGetAnErrorPageInsteadOfARedirect() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      for clientID in ["someone-else", ""] {
        var parameters = flow.authorizeParameters
        parameters[1] = ("client_id", clientID)
        let answer = try await flow.authorize(parameters)
        #expect(answer.status == 400)
        #expect(answer.location == nil)
        #expect(answer.body.contains("<h1>invalid_client</h1>"))
        #expect(answer.body.contains("OAuth application '\(clientID)' is not registered."))
      }
      let missing = try await flow.authorize(flow.authorizeParameters.filter { $0.0 != "client_id" })
      #expect(missing.status == 400)
      #expect(missing.location == nil)
    }
  }

  @Test(arguments: [
    "http://localhost:8020/", "https://localhost:8020", "http://example.com:8020", "http://localhost",
    "http://localhost:", "http://localhost:0", "http://localhost:08020", "http://localhost:65536",
    "http://localhost:8020/callback", "http://localhost:8020?x=1", "http://[::1]:8020", "",
  ])
  func unregisteredRedirectURIsGetAnErrorPage(_ redirectURI: String) async throws {
    try await withSandbox { sandbox, client in
      var flow = OAuthFlow(sandbox, client)
      flow.redirectURI = redirectURI
      let answer = try await flow.authorize()
      #expect(answer.status == 400)
      #expect(answer.location == nil)
      #expect(
        answer.body.contains("redirect_uri '\(redirectURI)' not registered for OAuth application 'databricks-cli'")
      )
      #expect(sandbox.tokenRequestCount(grantType: "authorization_code") == 0)
    }
  }

  @Test func loopbackRedirectsOnAnyPortAreRegisteredByDefault() async throws {
    try await withSandbox { sandbox, client in
      for redirectURI in [
        "http://localhost:8020", "http://127.0.0.1:8040", "http://localhost:1", "http://127.0.0.1:65535",
      ] {
        var flow = OAuthFlow(sandbox, client)
        flow.redirectURI = redirectURI
        let answer = try await flow.authorize()
        #expect(answer.status == 302, "\(redirectURI)")
      }
    }
  }

  @Test func redirectPortsCanBeNarrowedToTheCLIRange() async throws {
    var configuration = SandboxConfiguration()
    configuration.redirectPorts = 8020...8040
    try await withSandbox(configuration) { sandbox, client in
      for (port, status) in [(8019, 400), (8020, 302), (8040, 302), (8041, 400), (63673, 400)] {
        var flow = OAuthFlow(sandbox, client)
        flow.redirectURI = "http://127.0.0.1:\(port)"
        let answer = try await flow.authorize()
        #expect(answer.status == status, "port \(port)")
      }
    }
  }

  /// One authorize parameter changed (`value`) or left out (`nil`), and the error it must cause.
  struct AuthorizeProblem: Sendable {
    var name: String
    var value: String?
    var error: String
    var description: String
  }

  @Test(arguments: [
    AuthorizeProblem(
      name: "code_challenge_method",
      value: "plain",
      error: "invalid_request",
      description: "code_challenge_method must be S256"
    ),
    AuthorizeProblem(
      name: "code_challenge_method",
      value: nil,
      error: "invalid_request",
      description: "code_challenge_method must be S256"
    ),
    AuthorizeProblem(
      name: "code_challenge",
      value: nil,
      error: "invalid_request",
      description: "Missing required parameter: code_challenge"
    ),
    AuthorizeProblem(
      name: "code_challenge",
      value: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=",
      error: "invalid_request",
      description: "code_challenge must be the unpadded base64url SHA-256 of the code verifier"
    ),
    AuthorizeProblem(
      name: "code_challenge",
      value: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXkdBjftJeZ4CVP",
      error: "invalid_request",
      description: "code_challenge must be the unpadded base64url SHA-256 of the code verifier"
    ),
    AuthorizeProblem(
      name: "response_type",
      value: "token",
      error: "unsupported_response_type",
      description: "Response type 'token' is not supported"
    ),
    AuthorizeProblem(
      name: "response_type",
      value: nil,
      error: "invalid_request",
      description: "Missing required parameter: response_type"
    ),
    AuthorizeProblem(
      name: "scope",
      value: "",
      error: "invalid_scope",
      description: "Missing required parameter: scope"
    ),
    AuthorizeProblem(
      name: "scope",
      value: nil,
      error: "invalid_scope",
      description: "Missing required parameter: scope"
    ),
  ])
  func badRequestsRedirectWithAnErrorAndTheState(_ problem: AuthorizeProblem) async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let parameters = flow.authorizeParameters.compactMap { field in
        field.0 == problem.name ? problem.value.map { (problem.name, $0) } : field
      }
      let answer = try await flow.authorize(parameters)
      #expect(answer.status == 302)
      #expect(answer.location?.hasPrefix("http://localhost:8020?error=") == true)
      #expect(
        answer.parameters == ["error": problem.error, "error_description": problem.description, "state": flow.state]
      )
    }
  }

  @Test func aMissingStateIsRefusedWithoutOne() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let answer = try await flow.authorize(flow.authorizeParameters.filter { $0.0 != "state" })
      #expect(answer.status == 302)
      #expect(
        answer.parameters == ["error": "invalid_request", "error_description": "Missing required parameter: state"]
      )
    }
  }

  @Test func repeatedParametersAreRefused() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let answer = try await flow.authorize(flow.authorizeParameters + [("scope", "sql")])
      #expect(answer.parameters["error"] == "invalid_request")
      #expect(answer.parameters["error_description"] == "Parameter 'scope' must not be repeated")

      let twoRedirects = try await flow.authorize(
        flow.authorizeParameters + [("redirect_uri", "http://localhost:9999")]
      )
      #expect(twoRedirects.status == 400)
      #expect(twoRedirects.location == nil)
    }
  }

  @Test func refusedAuthorizeRequestsDoNotUseUpAConsentChoice() async throws {
    try await withSandbox { sandbox, client in
      sandbox.enqueueConsent(.deny)
      let flow = OAuthFlow(sandbox, client)
      _ = try await flow.authorize(flow.authorizeParameters.filter { $0.0 != "code_challenge" })
      #expect(try await flow.authorize().parameters["error"] == "access_denied")
    }
  }
}
