/// A personal access token login, as `databricks configure --token` does it: the token must work (SCIM `Me`) before
/// anything is written, then the profile gets `host` and `token`, and every other way to authenticate is removed
/// from it.
package struct PATLogin: Sendable {
  package var client: RESTClient
  package var configPath: String

  package init(client: RESTClient, configPath: String) {
    self.client = client
    self.configPath = configPath
  }

  /// Checks `token` against `target`'s host and saves it in `target`'s profile.
  /// - Throws: ``PersonalAccessTokenRefused`` when the host refuses the token and ``APIError`` when it cannot be
  ///   asked (nothing is written then), ``INIEditError`` or ``FileError`` when the config cannot be written.
  package func run(_ target: LoginTarget, token: String) async throws -> LoginOutcome {
    let user: CurrentUser
    do {
      user = try await WorkspaceAPI(client: client, host: target.host, bearer: token).currentUser()
    } catch let error as APIError where error.kind == .authRequired || error.kind == .permissionDenied {
      throw PersonalAccessTokenRefused(host: target.host.url, reason: error.message)
    }
    try await ConfigEditor.edit(configPath) { document throws(INIEditError) in
      try ProfileEdits.savePATLogin(&document, profile: target.profile, host: target.host.url, token: token)
    }
    return LoginOutcome(
      profile: target.profile,
      host: target.host.url,
      level: target.level,
      authType: "pat",
      userName: user.userName,
      expiresAt: nil
    )
  }
}
