/// The authorization servers' part of ``WorkspaceState``: codes, refresh tokens, the consent plan and the policies
/// tests can change. The access tokens themselves live with the workspace, which authenticates `/api/` calls with
/// them.
struct OAuthServerState {
  /// `http://127.0.0.1:<port>`, the base of every URL discovery hands out; set once the server has its port.
  var baseURL = "http://127.0.0.1"
  /// The one account whose authorization server is served under `/oidc/accounts/<id>/`.
  let accountID: String
  var app: OAuthApp
  var codes = AuthorizationCodeStore()
  var refreshTokens: RefreshTokenStore
  var consent = ConsentPlan()
  /// `expires_in` of new access tokens: an hour, as Databricks issues them.
  var accessTokenLifetimeSeconds = 3600
  /// Token endpoint requests by `grant_type` (`""` when the body has none or cannot be read).
  var tokenRequestCounts: [String: Int] = [:]
  /// The outside identity provider whose tokens the token-exchange grant accepts, and the policies that map them.
  let subjectTokens = SubjectTokenIssuer()
  var federationPolicies: [FederationPolicy] = []

  init(accountID: String, app: OAuthApp, refreshTokensRevokeFamilyOnReuse: Bool) {
    self.accountID = accountID
    self.app = app
    refreshTokens = RefreshTokenStore(revokesFamilyOnReuse: refreshTokensRevokeFamilyOnReuse)
  }
}
