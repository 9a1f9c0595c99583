package import Foundation

/// Resolves a profile to a credential once and shares it with every concurrent request, refreshing OAuth tokens
/// once for all of them.
///
/// Resolution reads only cached files (``ConfigStore``, ``TokenCacheStore``); the result is kept per requested
/// profile and reused while neither file changes, so a burst of API calls costs one resolution, and an edit of
/// `~/.databrickscfg` (or a `databricks auth login` in another terminal) is picked up on the next call.
///
/// An OAuth token that expires within 5 minutes is refreshed first, the buffer the CLI uses. Per profile at most one
/// refresh is in flight: concurrent callers await the same task. Across processes the refresh runs under the token
/// cache's lock and re-reads the cache first, so when another process (or the CLI) refreshed a moment ago its new token
/// is used and the rotated refresh token is never sent twice.
///
/// Machine profiles (a service principal's secret, workload identity federation) have no refresh token: their tokens
/// are minted anew when the one held expires within the same 5 minutes, once for all concurrent callers, and kept in
/// this process's memory only (the CLI keeps none on disk; neither do we).
///
/// ```swift
/// let tokens = try await credentials.workspace(for: "dev").listOwnTokens()
/// ```
package actor CredentialManager {
  private let config: ConfigStore
  private let tokens: OAuthTokenStore
  private let resolver: ProfileResolver
  private let client: RESTClient
  private let oauth: OAuthClient
  private let now: @Sendable () -> Date
  /// Keyed by the profile name's bytes, as the CLI tells profiles apart (see ``ProfileName``).
  private var resolved:
    [ProfileName.Key: (stamp: [OAuthTokenStore.Stamp?], version: Int, credential: ResolvedCredential)] = [:]
  /// The refresh in flight for each profile (keyed like the token cache).
  private var refreshes: [ProfileName.Key: Task<ResolvedCredential, any Error>] = [:]
  /// OAuth endpoints per host and account: discovery answers do not change while we run.
  private var endpoints: [String: OAuthClient.Endpoints] = [:]
  /// The token minted for each machine profile (keyed by its name's bytes), and who it was minted as: a profile
  /// whose identity changed (a rotated secret) mints anew.
  private var minted: [ProfileName.Key: (identity: MachineIdentity, credential: ResolvedCredential)] = [:]
  /// The mint in flight for each machine profile.
  private var mints: [ProfileName.Key: Task<ResolvedCredential, any Error>] = [:]
  /// Counts mints, so a listing of held tokens knows when it must be computed again.
  private var mintCount = 0
  /// What watchers hear from here: refreshes that need a login, tokens that will end with nothing to renew them.
  package nonisolated let events = CredentialEventRelay()

  package init(
    config: ConfigStore,
    tokens: OAuthTokenStore,
    resolver: ProfileResolver,
    client: RESTClient,
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.config = config
    self.tokens = tokens
    self.resolver = resolver
    self.client = client
    self.oauth = OAuthClient(client: client, now: now)
    self.now = now
  }

  /// The credential for `requested`, or for the profile ``ProfileResolver`` picks when none is named
  /// (`DATABRICKS_CONFIG_PROFILE`, the `DATABRICKS_*` environment, `[__settings__] default_profile`, `DEFAULT`).
  /// - Throws: ``ConfigError`` when the profile cannot be resolved, ``CredentialError`` when it has no usable
  ///   credential, ``TokenStorageError`` when the keyring holding its token cannot be used.
  /// - Parameters:
  ///   - forceRefresh: refresh an OAuth token even when it is not about to expire.
  ///   - rejectedToken: a token Databricks refused, as the caller says: refreshed only while it is still the one held
  ///     (once for all callers reporting it), otherwise the held token is returned without any request (see
  ///     ``RejectedTokenDecision``). A PAT that was refused cannot be replaced: ``CredentialError/loginRequired``.
  package func credential(
    for requested: String?,
    forceRefresh: Bool = false,
    rejectedToken: String? = nil
  ) async throws -> ResolvedCredential {
    let snapshot = try await config.snapshot()
    let profile = try resolver.resolve(requested, in: snapshot.value, path: config.path)
    guard let host = profile.host else { throw CredentialError.loginRequired(profile: profile.name, reason: "no host") }
    let key = ProfileName.Key(requested ?? "\u{0}default")
    switch profile.credentialKind {
    case .pat:
      let token = profile.attributes["token"] ?? ""
      if let rejectedToken, RejectedTokenDecision(held: token, rejected: rejectedToken) == .replace {
        throw CredentialError.loginRequired(profile: profile.name, reason: CredentialError.refusedTokenReason)
      }
      if let cached = resolved[key], cached.version == snapshot.version { return cached.credential }
      let credential = ResolvedCredential(profile: profile, bearer: token, host: host)
      resolved[key] = ([nil], snapshot.version, credential)
      return credential
    case .oauth:
      let plan = try await tokens.readingPlan(tokens.storage(settings: snapshot.value?.settings ?? [:]))
      let (entry, stamp) = try await tokens.lookup(profile, plan: plan)
      let forceRefresh =
        forceRefresh
        || (rejectedToken.flatMap { rejected in
          entry.map { RejectedTokenDecision(held: $0.accessToken, rejected: rejected) == .replace }
        } ?? false)
      if !forceRefresh, let cached = resolved[key], cached.version == snapshot.version, cached.stamp == [stamp],
        !Self.needsRefresh(cached.credential.expiresAt, now: now())
      {
        return cached.credential
      }
      guard let entry else {
        throw CredentialError.loginRequired(profile: profile.name, reason: await tokens.missingTokenReason(plan: plan))
      }
      if !forceRefresh, !Self.needsRefresh(entry.expiry, now: now()) {
        if entry.refreshToken == nil, let expiry = entry.expiry, let name = profile.name {
          events.emit(.unrenewable(profile: name, expiresAt: expiry))
        }
        let credential = ResolvedCredential(
          profile: profile,
          bearer: entry.accessToken,
          host: host,
          expiresAt: entry.expiry
        )
        resolved[key] = ([stamp], snapshot.version, credential)
        return credential
      }
      return try await refreshed(
        Refresh(
          profile: profile,
          host: host,
          plan: plan,
          force: forceRefresh,
          seen: entry.accessToken,
          refreshable: entry.refreshToken != nil
        )
      )
    case .m2m, .federation:
      let identity = try MachineIdentity(profile, environment: resolver.environment)
      let held = minted[Self.machineKey(profile)]
      // A refused token is minted again only while it is the one held; callers reporting it at once share the mint.
      let forceRefresh =
        forceRefresh
        || (rejectedToken.flatMap { rejected in
          held.map { RejectedTokenDecision(held: $0.credential.bearer, rejected: rejected) == .replace }
        } ?? false)
      if !forceRefresh, let held, held.identity == identity,
        held.credential.host == host, !Self.needsRefresh(held.credential.expiresAt, now: now())
      {
        return ResolvedCredential(
          profile: profile,
          bearer: held.credential.bearer,
          host: host,
          expiresAt: held.credential.expiresAt
        )
      }
      return try await remint(profile, host: host, identity: identity)
    case .other, .none:
      throw CredentialError.unsupportedAuthType(profile: profile.name, authType: profile.authType)
    }
  }

  /// Mints a new token for the machine `profile` as `identity`, once for all concurrent callers (a caller arriving
  /// while a mint is in flight shares its outcome), and holds it in memory for the next callers.
  func remint(_ profile: Profile, host: DatabricksHost, identity: MachineIdentity) async throws -> ResolvedCredential {
    let key = Self.machineKey(profile)
    if let running = mints[key] { return try await running.value }
    let task = Task {
      let credential = try await mint(profile, host: host, identity: identity)
      minted[key] = (identity, credential)
      mintCount += 1
      return credential
    }
    mints[key] = task
    defer { mints[key] = nil }
    return try await task.value
  }

  /// The machine tokens held now, by profile name, with when each expires, and a count that changes with every mint.
  package func heldMachineTokens() -> (mintCount: Int, expiries: [ProfileName.Key: Date?]) {
    (mintCount, minted.mapValues(\.credential.expiresAt))
  }

  private func mint(_ profile: Profile, host: DatabricksHost, identity: MachineIdentity) async throws
    -> ResolvedCredential
  {
    let endpoints = try await oauthEndpoints(profile, host: host)
    // The audience asked of GitHub Actions when none is configured: the account id for an account (the Go SDK's
    // choice, which the Python SDK's host metadata also makes for account hosts), else the token endpoint the JWT is
    // presented to (the Python SDK's `_oidc_credentials_provider`).
    let defaultAudience = profile.level == .account ? profile.accountId ?? endpoints.token : endpoints.token
    let token: OAuthToken
    do {
      token = try await oauth.mint(
        identity,
        scopes: MachineIdentity.scopes(profile),
        profile: profile.name,
        defaultAudience: defaultAudience,
        environment: resolver.environment,
        at: endpoints
      )
    } catch let unavailable as SubjectTokenSource.Unavailable {
      throw CredentialError.subjectTokenUnavailable(profile: profile.name, reason: unavailable.reason)
    }
    return ResolvedCredential(profile: profile, bearer: token.accessToken, host: host, expiresAt: token.expiry)
  }

  /// Machine tokens are held per profile name; the environment's profile has none, so it gets a name no section can
  /// have.
  private static func machineKey(_ profile: Profile) -> ProfileName.Key {
    ProfileName.Key(profile.name ?? "\u{0}environment")
  }

  /// The workspace endpoints of `requested` (or the default profile), called with its credential.
  /// - Throws: as ``credential(for:forceRefresh:)``.
  package func workspace(for requested: String?) async throws -> WorkspaceAPI {
    try await credential(for: requested).workspace(client)
  }

  /// The workspace endpoints of `requested` (or the default profile) and the name of the profile they belong to
  /// (`nil` for one made of the `DATABRICKS_*` environment alone), for callers that report per profile and were not
  /// told its name.
  /// - Throws: as ``credential(for:forceRefresh:)``.
  package func namedWorkspace(for requested: String?) async throws -> (profile: String?, api: WorkspaceAPI) {
    let credential = try await credential(for: requested)
    return (credential.profile.name, credential.workspace(client))
  }

  /// Checks that `requested`'s credential works, as `databricks auth profiles` does: an account profile lists the
  /// account's workspaces (any account user may), any other profile asks SCIM `Me` who it is.
  /// - Throws: as ``credential(for:forceRefresh:)``, and ``APIError`` when the check is refused.
  package func verify(_ requested: String?) async throws {
    let credential = try await credential(for: requested)
    let api = credential.workspace(client)
    if credential.profile.level == .account, let account = credential.profile.accountId {
      try await api.listAccountWorkspaces(accountId: account)
    } else {
      _ = try await api.currentUser()
    }
  }

  /// The CLI's rule: refresh when the token expires within 5 minutes.
  private static func needsRefresh(_ expiry: Date?, now: Date) -> Bool {
    expiry.map { $0.timeIntervalSince(now) <= 300 } ?? false
  }

  /// What a refresh needs: whose token, where it is stored, and whether it was asked for (`force`) although the
  /// token `seen` had not expired.
  private struct Refresh: Sendable {
    var profile: Profile
    var host: DatabricksHost
    var plan: TokenStoragePlan
    var force: Bool
    var seen: String
    /// Whether the token `seen` came with a refresh token.
    var refreshable: Bool
  }

  /// Joins the refresh in flight for this profile, or starts one.
  private func refreshed(_ request: Refresh) async throws -> ResolvedCredential {
    let key = ProfileName.Key(TokenCacheFile.keys(for: request.profile).first ?? request.host.url)
    if let running = refreshes[key] { return try await running.value }
    let task = Task { try await refresh(request) }
    refreshes[key] = task
    defer { refreshes[key] = nil }
    do {
      return try await task.value
    } catch {
      // Once per refresh, by its starter: the callers that joined it saw the same failure.
      if let name = request.profile.name, CredentialEvent.needsLogin(error) {
        events.emit(.loginRequired(profile: name, failure: error))
      }
      throw error
    }
  }

  /// Refreshes under the token store's lock, unless the token, read again under the lock, is already fresh (another
  /// process refreshed it), and stores the new token where the old one was.
  private func refresh(_ request: Refresh) async throws -> ResolvedCredential {
    let (profile, host, plan, force, seen) = (request.profile, request.host, request.plan, request.force, request.seen)
    // A token read without a refresh token needs a login, which the files alone tell (``LoginRequirement``): unless
    // another process has stored a new one meanwhile, nothing is asked of the network.
    let discovered = request.refreshable ? try await oauthEndpoints(profile, host: host) : nil
    let token: OAuthToken = try await tokens.withLock(profile, plan: plan) { current in
      guard let current else {
        throw CredentialError.loginRequired(profile: profile.name, reason: await tokens.missingTokenReason(plan: plan))
      }
      let cached = OAuthToken(
        accessToken: current.accessToken,
        tokenType: current.tokenType ?? "Bearer",
        refreshToken: current.refreshToken,
        expiry: current.expiry
      )
      let stillFresh = !cached.needsRefresh(now: now())
      // Forced because `seen` was refused (or asked for): a token other than `seen` is already its replacement.
      if stillFresh && (!force || RejectedTokenDecision(held: current.accessToken, rejected: seen) == .useHeld) {
        return (nil, cached)
      }
      guard cached.refreshToken != nil else { throw OAuthError.missingRefreshToken(profile: profile.name) }
      let endpoints: OAuthClient.Endpoints
      if let discovered { endpoints = discovered } else { endpoints = try await oauthEndpoints(profile, host: host) }
      let new = try await oauth.refresh(cached, profile: profile.name, at: endpoints)
      let entry = OAuthTokenStore.Entry(
        accessToken: new.accessToken,
        tokenType: new.tokenType,
        refreshToken: new.refreshToken,
        expiry: new.expiry
      )
      return (entry, new)
    }
    return ResolvedCredential(profile: profile, bearer: token.accessToken, host: host, expiresAt: token.expiry)
  }

  private func oauthEndpoints(_ profile: Profile, host: DatabricksHost) async throws -> OAuthClient.Endpoints {
    // The same host and account id the login used: OAuthClient routes them alike, so the refresh reaches the
    // authorization server that issued the token (a unified host's is the account's).
    let accountId = profile.accountId
    let key = host.url + "\u{0}" + (accountId ?? "")
    if let known = endpoints[key] { return known }
    let found = try await oauth.endpoints(host: host, accountId: accountId)
    endpoints[key] = found
    return found
  }
}
