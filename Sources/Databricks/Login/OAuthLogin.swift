import Basics
import Foundation

/// One OAuth U2M login exactly as `databricks auth login` does it (the Go SDK's `credentials/u2m`): discovery, PKCE
/// S256 with a verifier from 64 random bytes, state from 16 random bytes, a loopback listener on the first free port of
/// 8020…8040, the browser, the code exchanged once, then the files: the token in the CLI's token cache (profile key,
/// mirrored to the host key) or the OS keyring, as the storage mode says, and the profile section (`host`,
/// `account_id`, `auth_type = databricks-cli`).
package struct OAuthLogin: Sendable {
  package var client: RESTClient
  package var configPath: String
  package var tokens: OAuthTokenStore
  package var environment: [String: String]
  package var ports: ClosedRange<UInt16>
  /// Shows the user the authorization URL: the browser, or in `--sandbox` mode a client that follows it.
  package var openURL: @Sendable (String) -> Void

  package init(
    client: RESTClient,
    configPath: String,
    tokens: OAuthTokenStore,
    environment: [String: String],
    ports: ClosedRange<UInt16> = LoopbackListener.defaultPorts,
    openURL: @escaping @Sendable (String) -> Void
  ) {
    self.client = client
    self.configPath = configPath
    self.tokens = tokens
    self.environment = environment
    self.ports = ports
    self.openURL = openURL
  }

  /// Runs the login; `publish` receives the authorization URL as soon as it exists, with the way to complete the
  /// login from a pasted redirect address instead of the listener.
  package func run(_ target: LoginTarget, publish: @Sendable (LoginAuthorization) async -> Void) async throws
    -> LoginOutcome
  {
    // Where the tokens will go is settled first, so an explicit `secure` without a keyring fails before the browser.
    let plan = try await storagePlan()
    let oauth = OAuthClient(client: client)
    let endpoints = try await oauth.endpoints(host: target.host, accountId: target.accountId)
    let verifier = PKCE.randomVerifier()
    let state = Base64URL.encode(SecureRandom.bytes(count: 16))
    let listener = try LoopbackListener(ports: ports, expectedState: state)
    defer { listener.close() }
    let url = OAuthClient.authorizationURL(
      endpoints,
      redirectURI: listener.redirectURI,
      scopes: target.scopes,
      state: state,
      challenge: PKCE.challenge(for: verifier)
    )
    await publish(
      LoginAuthorization(url: url) { address throws(RedirectPasteRefusal) in
        try listener.acceptPastedRedirect(address)
      }
    )
    openURL(url)
    // The listener ignores redirects (and pasted addresses) without this flow's state, so the one it delivers is
    // this flow's, whichever way it came.
    let code: String
    switch try await listener.callback() {
    case .code(let received, _): code = received
    case .error(let error, let description, _):
      throw OAuthError.authorizationFailed(error: error, description: description ?? "")
    }
    let token = try await oauth.exchange(
      code: code,
      verifier: verifier,
      redirectURI: listener.redirectURI,
      at: endpoints
    )
    try await save(token, for: target, plan: plan)
    let user = try? await WorkspaceAPI(client: client, host: target.host, bearer: token.accessToken).currentUser()
    return LoginOutcome(
      profile: target.profile,
      host: target.host.url,
      level: target.level,
      authType: "databricks-cli",
      userName: target.level == .workspace ? user?.userName : nil,
      expiresAt: token.expiry
    )
  }

  /// The storage mode and the backend for this login's tokens (the CLI's `applyLoginFallback`).
  func storagePlan() async throws -> TokenStoragePlan {
    let settings = (try? ConfigFile(path: configPath, bytes: FileContents.read(configPath)?.bytes ?? []))?.settings
    return try await tokens.loginPlan(tokens.storage(settings: settings ?? [:]))
  }

  /// Stores the token where the CLI looks for it, then the profile, then the storage mode the CLI would record: a
  /// default `secure` that fell back to the file pins `auth_storage = plaintext`, one that reached the keyring pins
  /// `auth_storage = secure` (both best-effort, as in the CLI).
  func save(_ token: OAuthToken, for target: LoginTarget, plan: TokenStoragePlan) async throws {
    let entry = TokenCacheFile.Entry(
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      refreshToken: token.refreshToken,
      expiry: token.expiry
    )
    try await tokens.save(entry, for: target.savedOAuthProfile, plan: plan)
    try await ConfigEditor.edit(configPath) { document throws(INIEditError) in
      try ProfileEdits.saveOAuthLogin(
        &document,
        profile: target.profile,
        host: target.host.url,
        accountId: target.accountId,
        scopes: target.scopes
      )
    }
    switch plan {
    case .file(persistPlaintext: true): try? await TokenStorageMode.plaintext.persist(inConfig: configPath)
    case .keyring(pinSecure: true): try? await TokenStorageMode.secure.persist(inConfig: configPath)
    case .file, .keyring: break
    }
  }
}
