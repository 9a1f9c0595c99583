import Foundation
import LoopbackHTTP

/// The token endpoint's grants for machines, which have no browser and get no refresh token (they mint anew):
///
/// - `client_credentials` (RFC 6749 §4.4): a service principal's `client_id` and OAuth secret, either in an
///   `Authorization: Basic` header (RFC 6749 §2.3.1, what the SDKs send for `oauth-m2m`) or as `client_id` and
///   `client_secret` form parameters, since Databricks accepts both; presenting both ways at once is refused.
/// - token exchange (RFC 8693): a JWT of an outside identity provider (`subject_token`, of type
///   `urn:ietf:params:oauth:token-type:jwt`) that a ``FederationPolicy`` maps to a service principal, with that
///   principal's `client_id` (workload identity federation) or without one (account-wide federation).
///
/// Both answer `{"access_token", "token_type": "Bearer", "expires_in", "scope"}`; `scope` defaults to `all-apis`.
/// Refusals are RFC 6749 error bodies: a client that cannot be authenticated is 401 `invalid_client`, a subject
/// token no policy accepts (wrong issuer, subject or audience, expired, not signed by the issuer) is 400
/// `invalid_request`.
enum MachineGrants {
  static let tokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
  static let jwtTokenType = "urn:ietf:params:oauth:token-type:jwt"
  static let defaultScope = "all-apis"

  static func clientCredentials(
    _ request: HTTPRequest,
    form: FormURLEncoding,
    now: Date,
    state: inout WorkspaceState
  ) throws(OAuthErrorBody) -> HTTPResponse {
    let basic = try basicCredentials(request.headers["Authorization"])
    let posted = form["client_secret"].map { (form["client_id"] ?? "", $0) }
    if basic != nil, posted != nil {
      throw .invalidRequest("The client must use only one authentication method")
    }
    guard let (clientID, secret) = basic ?? posted, let principal = state.servicePrincipal(applicationID: clientID),
      let expected = principal.clientSecret, constantTimeEqual(expected, secret)
    else { throw .invalidClient }
    return answer(for: principal, form, now: now, state: &state)
  }

  static func exchange(
    _ form: FormURLEncoding,
    issuer: OIDCIssuer,
    now: Date,
    state: inout WorkspaceState
  ) throws(OAuthErrorBody) -> HTTPResponse {
    guard form["subject_token_type"] == jwtTokenType else {
      throw .invalidRequest("subject_token_type must be \(jwtTokenType)")
    }
    guard let token = form["subject_token"], !token.isEmpty else {
      throw .invalidRequest("Missing required parameter: subject_token")
    }
    let claims: SubjectTokenIssuer.Claims
    do {
      claims = try state.oauth.subjectTokens.verify(token, now: now)
    } catch {
      switch error {
      case .malformed: throw .invalidRequest("The subject token is not a valid JWT")
      case .badSignature: throw .invalidRequest("The subject token's signature is not valid")
      case .expired: throw .invalidRequest("The subject token has expired")
      }
    }
    let endpoint = issuer.url(base: state.oauth.baseURL) + "/v1/token"
    let clientID = form["client_id"]
    let principals = state.oauth.federationPolicies.filter { $0.matches(claims, tokenEndpoint: endpoint) }
      .compactMap { [state] in state.principal(id: $0.principalID) }
    guard let principal = principals.first(where: { clientID == nil || $0.applicationID == clientID }) else {
      throw .invalidRequest("No federation policy accepts this token's issuer, subject and audience")
    }
    return answer(for: principal, form, now: now, state: &state)
  }

  /// An access token for `principal` with the form's `scope` (`all-apis` without one), and no refresh token.
  private static func answer(
    for principal: SandboxPrincipal,
    _ form: FormURLEncoding,
    now: Date,
    state: inout WorkspaceState
  ) -> HTTPResponse {
    TokenEndpoint.answer(
      for: principal,
      scope: form["scope"] ?? defaultScope,
      refreshToken: nil,
      now: now,
      state: &state
    )
  }

  /// `client_id` and secret of an `Authorization: Basic` header, each form-decoded (RFC 6749 §2.3.1); `nil` when
  /// the request has no such header.
  private static func basicCredentials(_ header: String?) throws(OAuthErrorBody) -> (String, String)? {
    guard let header else { return nil }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
    guard let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
      let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
    else { throw .invalidClient }
    func formDecoded(_ part: Substring) -> String {
      let spaced = part.replacingOccurrences(of: "+", with: " ")
      return spaced.removingPercentEncoding ?? spaced
    }
    return (formDecoded(text[..<colon]), formDecoded(text[text.index(after: colon)...]))
  }

  private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (left, right) = (Array(a.utf8), Array(b.utf8))
    return left.count == right.count && zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }
}
