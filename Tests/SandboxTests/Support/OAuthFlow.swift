import Basics
import Databricks
import Foundation
import JSON
import LoopbackHTTP
import Sandbox
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Drives the sandbox's OAuth endpoints as the CLI does, one step at a time.
///
/// The authorize step goes over a raw connection, so the redirect is not followed and its `Location` can be read;
/// the token step goes through URLSession like any REST call. Requests are encoded with Foundation, not with the
/// sandbox's own encoder, so the two are checked against each other.
struct OAuthFlow {
  /// An answer of the authorize endpoint.
  struct AuthorizeAnswer {
    var status: Int
    var location: String?
    var body: String
    /// The query of `location`, decoded.
    var parameters: [String: String]
  }

  let sandbox: DatabricksSandbox
  let client: SandboxClient
  /// `/oidc` for the workspace, `/oidc/accounts/<id>` for an account.
  var prefix = "/oidc"
  var redirectURI = "http://localhost:8020"
  var scope = "offline_access all-apis"
  let verifier = PKCE.randomVerifier()
  let state = Base64URL.encode(SecureRandom.bytes(count: 16))

  init(_ sandbox: DatabricksSandbox, _ client: SandboxClient) {
    self.sandbox = sandbox
    self.client = client
  }

  /// The parameters the CLI's authorize URL carries, in its order.
  var authorizeParameters: [(String, String)] {
    [
      ("response_type", "code"), ("client_id", "databricks-cli"), ("redirect_uri", redirectURI), ("scope", scope),
      ("state", state), ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
    ]
  }

  func authorize() async throws -> AuthorizeAnswer {
    try await authorize(authorizeParameters)
  }

  /// `GET <prefix>/v1/authorize` with exactly these parameters.
  func authorize(_ parameters: [(String, String)]) async throws -> AuthorizeAnswer {
    var components = URLComponents()
    components.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
    let query = try #require(components.percentEncodedQuery)
    let connection = try RawHTTPConnection(port: sandbox.port)
    defer { connection.close() }
    try await connection.send(
      "GET \(prefix)/v1/authorize?\(query) HTTP/1.1\r\nHost: 127.0.0.1:\(sandbox.port)\r\nConnection: close\r\n\r\n"
    )
    let response = try #require(try await connection.readResponse())
    let location = response.headers["Location"]
    var decoded: [String: String] = [:]
    if let location {
      for item in try #require(URLComponents(string: location)).queryItems ?? [] {
        decoded[item.name] = item.value ?? ""
      }
    }
    return AuthorizeAnswer(
      status: response.status,
      location: location,
      body: String(decoding: response.body, as: UTF8.self),
      parameters: decoded
    )
  }

  /// The code of a successful authorize, after checking the redirect is the CLI's callback with the right state.
  func authorizeCode() async throws -> String {
    let answer = try await authorize()
    #expect(answer.status == 302)
    #expect(answer.location?.hasPrefix(redirectURI + "?") == true)
    #expect(answer.parameters["state"] == state)
    return try #require(answer.parameters["code"])
  }

  /// `POST <prefix>/v1/token` with these form fields.
  func token(
    _ fields: [(String, String)],
    contentType: String = "application/x-www-form-urlencoded"
  ) async throws -> SandboxClient.Reply {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let body = fields.map { name, value in
      let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
      return encode(name) + "=" + encode(value)
    }.joined(separator: "&")
    return try await client.send(
      "POST",
      prefix + "/v1/token",
      token: nil,
      headers: ["Content-Type": contentType],
      rawBody: Data(body.utf8)
    )
  }

  /// The CLI's code exchange: `grant_type, code, redirect_uri, code_verifier, client_id`.
  func exchange(_ code: String) async throws -> SandboxClient.Reply {
    try await token([
      ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
      ("code_verifier", verifier), ("client_id", "databricks-cli"),
    ])
  }

  /// The CLI's refresh: `grant_type, refresh_token, client_id`.
  func refresh(_ refreshToken: String) async throws -> SandboxClient.Reply {
    try await token([("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "databricks-cli")])
  }

  /// A whole login; returns the access and refresh tokens.
  func login() async throws -> (accessToken: String, refreshToken: String) {
    let reply = try await exchange(try await authorizeCode())
    #expect(reply.status == 200)
    return (
      try #require(reply.json?["access_token"]?.stringValue), try #require(reply.json?["refresh_token"]?.stringValue)
    )
  }

  /// Who `accessToken` belongs to according to SCIM `Me`, or the failed reply's body.
  func userName(of accessToken: String) async throws -> String {
    let reply = try await client.get("/api/2.0/preview/scim/v2/Me", token: accessToken)
    return reply.json?["userName"]?.stringValue ?? "\(reply.status) \(reply.text)"
  }
}
