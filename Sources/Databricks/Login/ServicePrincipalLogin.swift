/// Signs a profile in as a service principal with its OAuth secret: a token is minted with the pair (the
/// `client_credentials` grant, as `oauth-m2m` mints them) and used for the check `verify` makes (SCIM `Me` for a
/// workspace, the account's workspaces for an account) before anything is written; then the profile gets `host`,
/// `account_id` (when given), `client_id`, `client_secret` and `auth_type = oauth-m2m`, through the same locked,
/// byte-preserving editor as every login. The secret is sent only to the token endpoint, and no answer or error
/// repeats it. The minted token is not kept: the profile's first use mints its own, in memory.
package struct ServicePrincipalLogin: Sendable {
  package var client: RESTClient
  package var configPath: String

  package init(client: RESTClient, configPath: String) {
    self.client = client
    self.configPath = configPath
  }

  /// Checks `clientId` and `clientSecret` against `target`'s token endpoint and host, then saves them.
  /// - Throws: ``OAuthError/grantRejected(error:description:)`` when the pair is refused, ``APIError`` when the
  ///   host cannot be asked or refuses the minted token (nothing is written then), ``INIEditError`` or
  ///   ``FileError`` when the config cannot be written.
  package func run(_ target: LoginTarget, clientId: String, clientSecret: String) async throws -> LoginOutcome {
    let oauth = OAuthClient(client: client)
    let endpoints = try await oauth.endpoints(host: target.host, accountId: target.accountId)
    let scopes = target.scopes.isEmpty ? OAuthClient.defaultScopes : target.scopes
    let token: OAuthToken
    do {
      token = try await oauth.mint(
        .servicePrincipal(clientID: clientId, clientSecret: clientSecret),
        scopes: scopes,
        profile: target.profile,
        defaultAudience: endpoints.token,
        environment: [:],
        at: endpoints
      )
    } catch OAuthError.machineGrantRejected(_, _, let error, let description) {
      throw OAuthError.grantRejected(error: error, description: description)
    }
    let api = WorkspaceAPI(client: client, host: target.host, bearer: token.accessToken)
    var userName: String?
    if target.level == .account, let accountId = target.accountId {
      try await api.listAccountWorkspaces(accountId: accountId)
    } else {
      userName = try await api.currentUser().userName
    }
    try await ConfigEditor.edit(configPath) { document throws(INIEditError) in
      try ProfileEdits.saveServicePrincipalLogin(
        &document,
        profile: target.profile,
        host: target.host.url,
        accountId: target.accountId,
        clientId: clientId,
        clientSecret: clientSecret,
        scopes: target.scopes
      )
    }
    return LoginOutcome(
      profile: target.profile,
      host: target.host.url,
      level: target.level,
      authType: "oauth-m2m",
      userName: userName,
      expiresAt: nil
    )
  }
}
