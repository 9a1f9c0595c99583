package import Foundation
import JSON

/// The CLI's OAuth U2M client (`client_id=databricks-cli`, public, PKCE S256) against a workspace or account:
/// endpoint discovery, the authorization URL, the code exchange and refresh, as the Go SDK's `credentials/u2m` does.
///
/// ```swift
/// let oauth = OAuthClient(client: rest)
/// let endpoints = try await oauth.endpoints(for: profile)
/// let url = OAuthClient.authorizationURL(endpoints, redirectURI: "http://localhost:8020", scopes: scopes,
///                                        state: state, challenge: challenge)
/// let token = try await oauth.exchange(code, verifier: verifier, redirectURI: redirect, at: endpoints)
/// ```
package struct OAuthClient: Sendable {
  package static let clientID = "databricks-cli"
  package static let defaultScopes = ["all-apis"]

  /// Where to send the user and where to exchange codes.
  package struct Endpoints: Sendable, Equatable {
    package var authorization: String
    package var token: String

    package init(authorization: String, token: String) {
      self.authorization = authorization
      self.token = token
    }
  }

  package var client: RESTClient
  package var now: @Sendable () -> Date

  package init(client: RESTClient, now: @escaping @Sendable () -> Date = Date.init) {
    self.client = client
    self.now = now
  }

  /// The endpoints for `host`, as the CLI routes it (`libs/auth/arguments.go`): an account console host
  /// (`accounts.*`) uses fixed paths under `/oidc/accounts/<account_id>`; a workspace host given an account id
  /// asks the account-scoped discovery document only when its host metadata says its OAuth is the account's (a
  /// unified host, ``HostMetadata``); any other asks `/oidc/.well-known/oauth-authorization-server`.
  ///
  /// Login and refresh both come here with the profile's host and account id, so a refresh always goes to the
  /// authorization server that issued the token.
  ///
  /// A discovery document is believed only about endpoints on `host` itself or on an account console host
  /// (`accounts.…`), over `https://` (or `http://` on this machine), as real ones are: a code, a verifier and
  /// refresh tokens go to the token endpoint, so one that names any other place is an `upstream` error carrying the
  /// URL, and nothing is sent there.
  package func endpoints(host: DatabricksHost, accountId: String?) async throws -> Endpoints {
    if host.isAccountsHost, let accountId {
      let base = "\(host.url)/oidc/accounts/\(accountId)"
      return Endpoints(authorization: "\(base)/v1/authorize", token: "\(base)/v1/token")
    }
    var path = "/oidc/.well-known/oauth-authorization-server"
    if let accountId, !host.isAccountsHost, await hostMetadata(host).isAccountScoped {
      path = "/oidc/accounts/\(accountId)/.well-known/oauth-authorization-server"
    }
    let document: JSONValue?
    do {
      document = try await client.send(APIRequest("GET", path), host: host, bearer: nil)
    } catch let error as APIError where error.httpStatus == 404 {
      throw OAuthError.notSupported(host: host.url)
    }
    guard let authorization = document?["authorization_endpoint"]?.stringValue,
      let token = document?["token_endpoint"]?.stringValue
    else { throw OAuthError.notSupported(host: host.url) }
    for url in [authorization, token] where !Self.isEndpoint(url, trustedFor: host) {
      throw APIError(
        .upstream,
        "\(host.url)'s OAuth discovery names an endpoint on another host or without https://; nothing was sent to it",
        host: host.url,
        url: url
      )
    }
    return Endpoints(authorization: authorization, token: token)
  }

  /// Whether `url` is absolute, with a scheme requests may use, and on `host` itself or on the account console host
  /// of `host`'s own cloud: `accounts.<domain>` or `accounts-dod.<domain>` where `<domain>` is a parent domain of
  /// `host` (`accounts.cloud.databricks.com` for `dbc-1.cloud.databricks.com`, `accounts.azuredatabricks.net` for
  /// `adb-1.2.azuredatabricks.net`), as real discovery documents name them. A bare `accounts.` prefix is not
  /// enough: `accounts.evil.example` would then receive codes, verifiers and refresh tokens. On this machine (the
  /// sandbox, tests) an account host must also be on `host`'s port.
  package static func isEndpoint(_ url: String, trustedFor host: DatabricksHost) -> Bool {
    guard url.contains("://"), let endpoint = DatabricksHost(url), endpoint.isAllowedForRequests else { return false }
    if endpoint.url.lowercased() == host.url.lowercased() { return true }
    guard endpoint.isAccountsHost, let accounts = URLComponents(string: endpoint.url),
      let workspace = URLComponents(string: host.url), let accountsName = accounts.host?.lowercased(),
      let workspaceName = workspace.host?.lowercased()
    else { return false }
    if endpoint.isLoopback || host.isLoopback {
      return endpoint.isLoopback && host.isLoopback && accounts.port == workspace.port
    }
    guard accounts.port == workspace.port, let dot = accountsName.firstIndex(of: ".") else { return false }
    let domain = accountsName[accountsName.index(after: dot)...]
    return domain.contains(".") && (workspaceName == domain || workspaceName.hasSuffix("." + domain))
  }

  /// The host's metadata; none when it cannot be had (older hosts do not serve it: the SDKs carry on without it).
  func hostMetadata(_ host: DatabricksHost) async -> HostMetadata {
    HostMetadata(try? await client.send(APIRequest("GET", "/.well-known/databricks-config"), host: host, bearer: nil))
  }

  /// The URL the browser opens, with the parameters golang.org/x/oauth2 sends (sorted, Go-escaped).
  package static func authorizationURL(
    _ endpoints: Endpoints,
    redirectURI: String,
    scopes: [String],
    state: String,
    challenge: String
  ) -> String {
    let query = FormEncoding.encode([
      ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
      ("scope", requestedScopes(scopes).joined(separator: " ")), ("state", state), ("code_challenge", challenge),
      ("code_challenge_method", "S256"),
    ])
    return endpoints.authorization + (endpoints.authorization.contains("?") ? "&" : "?") + query
  }

  /// `offline_access` first (for a refresh token), then the given scopes or `all-apis`, as the CLI asks.
  package static func requestedScopes(_ scopes: [String]) -> [String] {
    let chosen = scopes.isEmpty ? defaultScopes : scopes
    return ["offline_access"] + chosen.filter { $0 != "offline_access" }
  }

  /// Exchanges an authorization code (once) for tokens.
  package func exchange(code: String, verifier: String, redirectURI: String, at endpoints: Endpoints) async throws
    -> OAuthToken
  {
    try await tokenRequest(
      [
        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
        ("code_verifier", verifier), ("client_id", Self.clientID),
      ],
      at: endpoints,
      secrets: [code, verifier]
    ) { error, description in OAuthError.grantRejected(error: error, description: description) }
  }

  /// Trades a refresh token for a new access token; keeps the old refresh token when the answer has none.
  package func refresh(_ token: OAuthToken, profile: String?, at endpoints: Endpoints) async throws -> OAuthToken {
    guard let refreshToken = token.refreshToken else { throw OAuthError.missingRefreshToken(profile: profile) }
    var refreshed = try await tokenRequest(
      [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", Self.clientID)],
      at: endpoints,
      secrets: [refreshToken]
    ) { error, description in
      // Keyed on the description, as the Go SDK does: the error code has varied (invalid_request, invalid_grant).
      description == "Refresh token is invalid" || error == "invalid_grant"
        ? OAuthError.invalidRefreshToken(profile: profile)
        : OAuthError.grantRejected(error: error, description: description)
    }
    if refreshed.refreshToken == nil { refreshed.refreshToken = refreshToken }
    return refreshed
  }

  /// One token request: `form` to the token endpoint (with `authorization`, a client authentication header, when
  /// given); a 4xx other than 429 is the grant's `rejection` of the server's `error` and description.
  func tokenRequest(
    _ form: [(String, String)],
    at endpoints: Endpoints,
    authorization: String? = nil,
    secrets: [String],
    rejection: (String, String) -> OAuthError
  ) async throws -> OAuthToken {
    guard let url = URLComponents(string: endpoints.token), let scheme = url.scheme, let hostName = url.host,
      let host = DatabricksHost("\(scheme)://\(hostName)" + (url.port.map { ":\($0)" } ?? ""))
    else { throw OAuthError.malformedTokenResponse(host: endpoints.token) }
    var request = APIRequest("POST", url.path.isEmpty ? "/" : url.path)
    request.form = form
    request.authorization = authorization
    let started = now()
    let answer: JSONValue?
    do {
      answer = try await client.send(request, host: host, bearer: nil, secrets: secrets)
    } catch let error as APIError where error.httpStatus.map({ (400..<500).contains($0) && $0 != 429 }) ?? false {
      throw rejection(error.databricksErrorCode ?? "invalid_request", error.message)
    }
    guard let answer, let token = OAuthToken(tokenResponse: answer, now: started) else {
      throw OAuthError.malformedTokenResponse(host: host.url)
    }
    return token
  }
}
