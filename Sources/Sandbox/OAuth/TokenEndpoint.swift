import Foundation
import JSON
import LoopbackHTTP

/// `POST <issuer>/v1/token`: redeems an authorization code or rotates a refresh token (RFC 6749 §4.1.3, §6), and
/// mints tokens for machines (``MachineGrants``: client credentials and token exchange).
///
/// The body is `application/x-www-form-urlencoded`; for the user grants it carries `client_id`, as the Go SDK sends
/// it for the public `databricks-cli` client (`AuthStyleInParams`). A success is
/// `{"access_token", "token_type": "Bearer", "expires_in", "scope", "refresh_token"?}`: a refresh token only when
/// `offline_access` was granted, which is why the CLI asks for it. No `id_token`: the CLI does not ask for `openid`.
enum TokenEndpoint {
  static func token(_ request: HTTPRequest, issuer: OIDCIssuer, now: Date, state: inout WorkspaceState) -> HTTPResponse
  {
    let form = try? FormURLEncoding(parsing: request.body)
    state.oauth.tokenRequestCounts[form?["grant_type"] ?? "", default: 0] += 1
    do throws(OAuthErrorBody) {
      return try exchange(request, form: form, issuer: issuer, now: now, state: &state)
    } catch {
      return error.response
    }
  }

  private static func exchange(
    _ request: HTTPRequest,
    form: FormURLEncoding?,
    issuer: OIDCIssuer,
    now: Date,
    state: inout WorkspaceState
  ) throws(OAuthErrorBody) -> HTTPResponse {
    let mediaType = request.headers["Content-Type"]?.split(separator: ";").first?
      .trimmingCharacters(in: .whitespaces).lowercased()
    guard mediaType == "application/x-www-form-urlencoded" else {
      throw .invalidRequest("Content-Type must be application/x-www-form-urlencoded")
    }
    guard let form else { throw .invalidRequest("The request body is not form-encoded") }
    if let name = form.repeatedNames.first { throw .invalidRequest("Parameter '\(name)' must not be repeated") }
    switch form["grant_type"] {
    case nil:
      throw .invalidRequest("Missing required parameter: grant_type")
    case "authorization_code":
      guard form["client_id"] == state.oauth.app.clientID else { throw .invalidClient }
      return try redeemCode(form, issuer: issuer, now: now, state: &state)
    case "refresh_token":
      guard form["client_id"] == state.oauth.app.clientID else { throw .invalidClient }
      return try refresh(form, issuer: issuer, now: now, state: &state)
    case "client_credentials":
      return try MachineGrants.clientCredentials(request, form: form, now: now, state: &state)
    case MachineGrants.tokenExchange:
      return try MachineGrants.exchange(form, issuer: issuer, now: now, state: &state)
    case let other?:
      throw .unsupportedGrantType(other)
    }
  }

  /// `grant_type=authorization_code`: `code`, `redirect_uri` and `code_verifier` must match what authorize saw.
  private static func redeemCode(
    _ form: FormURLEncoding,
    issuer: OIDCIssuer,
    now: Date,
    state: inout WorkspaceState
  ) throws(OAuthErrorBody) -> HTTPResponse {
    guard let code = form["code"], !code.isEmpty else { throw .invalidRequest("Missing required parameter: code") }
    guard let redirectURI = form["redirect_uri"] else {
      throw .invalidRequest("Missing required parameter: redirect_uri")
    }
    guard let verifier = form["code_verifier"] else {
      throw .invalidRequest("Missing required parameter: code_verifier")
    }
    let grant: AuthorizationCodeStore.Grant
    switch state.oauth.codes.redeem(code, now: now) {
    case .unknown: throw .invalidGrant("Authorization code is invalid or has already been used")
    case .expired: throw .invalidGrant("Authorization code has expired")
    case .valid(let valid): grant = valid
    }
    guard grant.issuer == issuer, grant.clientID == form["client_id"] else {
      throw .invalidGrant("Authorization code was issued to another client")
    }
    guard grant.redirectURI == redirectURI else {
      throw .invalidGrant("redirect_uri does not match the one in the authorization request")
    }
    guard PKCEVerifier.verifies(verifier, against: grant.codeChallenge) else {
      throw .invalidGrant("PKCE verification failed: code_verifier does not match code_challenge")
    }
    guard let principal = state.principal(id: grant.principalID) else {
      throw .invalidGrant("The user of this authorization code no longer exists")
    }
    let family = state.oauth.refreshTokens.newFamily()
    return tokens(
      for: principal,
      RefreshTokenStore.Grant(
        issuer: issuer,
        clientID: grant.clientID,
        scopes: grant.scopes,
        principalID: principal.id,
        family: family
      ),
      now: now,
      state: &state
    )
  }

  /// `grant_type=refresh_token`: the presented token is retired and a successor issued with the same grant, or,
  /// when refresh does not rotate, the presented token stays valid and the answer has no `refresh_token`.
  private static func refresh(
    _ form: FormURLEncoding,
    issuer: OIDCIssuer,
    now: Date,
    state: inout WorkspaceState
  ) throws(OAuthErrorBody) -> HTTPResponse {
    guard let token = form["refresh_token"], !token.isEmpty else {
      throw .invalidRequest("Missing required parameter: refresh_token")
    }
    let clientID = form["client_id"] ?? ""
    let rotates = state.oauth.refreshTokens.rotates
    guard let grant = state.oauth.refreshTokens.redeem(token, issuer: issuer, clientID: clientID),
      let principal = state.principal(id: grant.principalID)
    else { throw .invalidRefreshToken }
    return tokens(for: principal, grant, issuesRefreshToken: rotates, now: now, state: &state)
  }

  /// A new access token, and a new refresh token in the grant's family when `offline_access` was granted (and
  /// `issuesRefreshToken`: a refresh that does not rotate keeps the presented one).
  private static func tokens(
    for principal: SandboxPrincipal,
    _ grant: RefreshTokenStore.Grant,
    issuesRefreshToken: Bool = true,
    now: Date,
    state: inout WorkspaceState
  ) -> HTTPResponse {
    var refreshToken: String?
    if issuesRefreshToken, grant.scopes.contains("offline_access") {
      refreshToken = state.oauth.refreshTokens.issue(grant)
    }
    return answer(
      for: principal,
      scope: grant.scopes.joined(separator: " "),
      refreshToken: refreshToken,
      now: now,
      state: &state
    )
  }

  /// A success: a new access token for `principal` with `scope`, and `refreshToken` when there is one.
  static func answer(
    for principal: SandboxPrincipal,
    scope: String,
    refreshToken: String?,
    now: Date,
    state: inout WorkspaceState
  ) -> HTTPResponse {
    let lifetime = state.oauth.accessTokenLifetimeSeconds
    var body: [String: JSONValue] = [
      "access_token": .string(
        state.issueOAuthAccessToken(for: principal, lifetimeSeconds: Double(lifetime), scope: scope, now: now)
      ),
      "token_type": "Bearer",
      "expires_in": .int(Int64(lifetime)),
      "scope": .string(scope),
    ]
    body["refresh_token"] = refreshToken.map(JSONValue.string)
    var response = HTTPResponse.json(.object(body))
    response.headers.add("Cache-Control", "no-store")
    response.headers.add("Pragma", "no-cache")
    return response
  }
}
