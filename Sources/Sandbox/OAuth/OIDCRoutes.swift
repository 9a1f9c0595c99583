import Foundation
import JSON
import LoopbackHTTP

/// The OAuth/OIDC endpoints of the workspace and of its account: discovery, authorize and token.
///
/// They are unauthenticated, as on real workspaces: a client reaches them before it has any credential.
enum OIDCRoutes {
  static func handle(
    _ request: HTTPRequest,
    issuer: OIDCIssuer,
    endpoint: OIDCIssuer.Endpoint,
    now: Date,
    state: inout WorkspaceState
  ) -> HTTPReply.Action {
    if case .account(let id) = issuer, id != state.oauth.accountID {
      return .respond(SandboxErrorResponse.resourceDoesNotExist("Account \(id) does not exist.").response)
    }
    switch (request.method, endpoint) {
    case ("GET", .discovery):
      return .respond(discovery(issuer: issuer, base: state.oauth.baseURL))
    case ("GET", .authorize):
      return AuthorizeEndpoint.authorize(request, issuer: issuer, now: now, state: &state)
    case ("POST", .token):
      return .respond(TokenEndpoint.token(request, issuer: issuer, now: now, state: &state))
    default:
      return .respond(SandboxErrorResponse.endpointNotFound(method: request.method, path: request.path).response)
    }
  }

  /// `GET <issuer>/.well-known/oauth-authorization-server`: RFC 8414 metadata.
  ///
  /// The SDKs read only `authorization_endpoint` and `token_endpoint`. The other members describe what
  /// this sandbox actually does; real workspaces send more (a JWKS, more grant types and scopes), which no client
  /// of ours needs.
  static func discovery(issuer: OIDCIssuer, base: String) -> HTTPResponse {
    let url = issuer.url(base: base)
    return .json([
      "issuer": .string(url),
      "authorization_endpoint": .string(url + "/v1/authorize"),
      "token_endpoint": .string(url + "/v1/token"),
      "response_types_supported": ["code"],
      "response_modes_supported": ["query"],
      "grant_types_supported": [
        "authorization_code", "refresh_token", "client_credentials", .string(MachineGrants.tokenExchange),
      ],
      "code_challenge_methods_supported": ["S256"],
      "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
      "scopes_supported": ["all-apis", "offline_access"],
    ])
  }
}
