import Basics
import Foundation
import JSON
package import LoopbackHTTP

/// The emulated Databricks workspace: authenticates each `/api/` call and routes it to the handlers in `Routes/`,
/// and serves the OAuth endpoints under `/oidc/` (``OIDCRoutes``).
///
/// State lives in one ``WorkspaceState`` value under a lock, and each call runs in a single critical section, so
/// concurrent calls see the workspace change atomically (a token counted against the quota is never created twice).
/// Handlers are synchronous: they run on the HTTP server's connection threads.
package final class SandboxWorkspace: Sendable {
  private typealias Route = (APICall, inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse

  package let clock: SandboxClock
  /// The account whose authorization server is served under `/oidc/accounts/<accountID>/`.
  package let accountID: String
  private let unifiedHost: Bool
  private let state: Locked<WorkspaceState>

  /// - Throws: ``SandboxErrorResponse`` when `configuration.workspaceConf` holds a value a PATCH would refuse.
  package init(configuration: SandboxConfiguration, clock: SandboxClock = SandboxClock()) throws {
    self.clock = clock
    accountID = configuration.accountID
    unifiedHost = configuration.unifiedHost
    var state = WorkspaceState(
      workspaceID: configuration.workspaceID,
      tokenQuotaPerUser: configuration.tokenQuotaPerUser,
      principals: [SandboxSeed.admin, SandboxSeed.user, SandboxSeed.servicePrincipal],
      oauth: OAuthServerState(
        accountID: configuration.accountID,
        app: OAuthApp(clientID: OAuthApp.databricksCLIClientID, allowedPorts: configuration.redirectPorts),
        refreshTokensRevokeFamilyOnReuse: configuration.refreshTokenReuseRevokesFamily
      )
    )
    try state.conf.apply(configuration.workspaceConf.mapValues(JSONValue.string))
    state.oauth.federationPolicies = [
      FederationPolicy(
        issuer: SandboxSeed.federationIssuer,
        subject: SandboxSeed.federationSubject,
        audiences: [configuration.accountID],
        principalID: SandboxSeed.servicePrincipal.id
      )
    ]
    let now = clock.now().epochMilliseconds
    for (owner, value) in [(SandboxSeed.admin, SandboxSeed.adminToken), (SandboxSeed.user, SandboxSeed.userToken)] {
      state.tokens.insert(
        TokenRecord(
          id: TokenStore.randomHex(bytes: 32),
          value: value,
          comment: SandboxSeed.bootstrapComment,
          ownerID: owner.id,
          createdByID: owner.id,
          createdByUserName: owner.userName,
          creationTime: now,
          expiryTime: -1
        )
      )
    }
    self.state = Locked(state)
  }

  /// Answers one HTTP request, or leaves it unanswered (an authorize request whose consent is
  /// ``SandboxConsent/hang``).
  ///
  /// The OAuth endpoints under `/oidc/` and the host metadata need no credential, as on a real workspace; every
  /// `/api/` call is authenticated before it is routed; any other path is unknown.
  package func handle(_ request: HTTPRequest) -> HTTPReply.Action {
    let path = request.path
    if let (issuer, endpoint) = OIDCIssuer.parse(path: path) {
      let now = clock.now()
      return state.withLock { OIDCRoutes.handle(request, issuer: issuer, endpoint: endpoint, now: now, state: &$0) }
    }
    if path == "/.well-known/databricks-config", request.method == "GET" {
      return .respond(state.withLock { HostMetadataRoutes.metadata($0, unifiedHost: unifiedHost) })
    }
    guard path.hasPrefix("/api/") else {
      return .respond(SandboxErrorResponse.endpointNotFound(method: request.method, path: path).response)
    }
    return .respond(handleAPI(request))
  }

  private func handleAPI(_ request: HTTPRequest) -> HTTPResponse {
    let path = request.path
    let requestID = UUID().uuidString.lowercased()
    let now = clock.now()
    return state.withLock { state in
      do throws(SandboxErrorResponse) {
        let caller = try state.authenticate(
          authorization: request.headers["Authorization"],
          now: now,
          requestID: requestID
        )
        guard let route = Self.route(method: request.method, path: path) else {
          throw SandboxErrorResponse.endpointNotFound(method: request.method, path: path)
        }
        let hasBody = ["POST", "PATCH", "PUT"].contains(request.method)
        let call = APICall(
          caller: caller,
          now: now,
          query: request.query,
          body: hasBody ? try APICall.parseBody(request.body) : [:]
        )
        return try route(call, &state)
      } catch {
        return error.response
      }
    }
  }

  private static func route(method: String, path: String) -> Route? {
    let tokenPrefix = "/api/2.0/token-management/tokens/"
    if path.hasPrefix(tokenPrefix) {
      let id = String(path.dropFirst(tokenPrefix.count))
      guard !id.isEmpty, !id.contains("/") else { return nil }
      switch method {
      case "GET":
        return { call, state throws(SandboxErrorResponse) in try TokenManagementRoutes.get(id: id, call, &state) }
      case "DELETE":
        return { call, state throws(SandboxErrorResponse) in try TokenManagementRoutes.delete(id: id, call, &state) }
      default: return nil
      }
    }
    switch (method, path) {
    case ("POST", "/api/2.0/token/create"): return TokenRoutes.create
    case ("GET", "/api/2.0/token/list"): return TokenRoutes.list
    case ("POST", "/api/2.0/token/delete"): return TokenRoutes.delete
    case ("GET", "/api/2.0/token-management/tokens"): return TokenManagementRoutes.list
    case ("POST", "/api/2.0/token-management/on-behalf-of/tokens"): return TokenManagementRoutes.createOnBehalfOf
    case ("GET", "/api/2.0/workspace-conf"): return WorkspaceConfRoutes.get
    case ("PATCH", "/api/2.0/workspace-conf"): return WorkspaceConfRoutes.patch
    case ("GET", "/api/2.0/preview/scim/v2/Me"): return SCIMRoutes.me
    default: return nil
    }
  }

  // MARK: Test controls

  /// Every PAT in the workspace, secrets included, in creation order.
  package var tokens: [TokenRecord] {
    state.withLock { $0.tokens.records }
  }

  /// Makes the PAT or OAuth access token with this value expire now; `false` when there is none.
  @discardableResult
  package func expireToken(value: String) -> Bool {
    let now = clock.now()
    return state.withLock { $0.expireCredential(value: value, now: now) }
  }

  /// Deletes the PAT or OAuth access token with this value; `false` when there is none.
  @discardableResult
  package func revokeToken(value: String) -> Bool {
    state.withLock { $0.revokeCredential(value: value) }
  }

  /// Adds a token with a fixed id (and a random secret) for `owner`, created `ageSeconds` ago and never expiring:
  /// a fixture that examples can name, such as the `--sandbox` session's "old laptop" token.
  package func addToken(id: String, comment: String, owner: SandboxPrincipal, ageSeconds: Double) {
    let created = clock.now().addingTimeInterval(-ageSeconds).epochMilliseconds
    state.withLock { state in
      state.tokens.insert(
        TokenRecord(
          id: id,
          value: "dapi" + TokenStore.randomHex(bytes: 16),
          comment: comment,
          ownerID: owner.id,
          createdByID: owner.id,
          createdByUserName: owner.userName,
          creationTime: created,
          expiryTime: -1
        )
      )
    }
  }

  /// Stores the tokens `seed` describes, with the past it gives them (see ``TokenSeed``), and returns their ids.
  package func seedTokens(_ seed: TokenSeed) -> [String] {
    let now = clock.now()
    return state.withLock { $0.seed(seed, now: now) }
  }

  /// Changes workspace settings as an admin's PATCH would, without a request.
  package func setWorkspaceConf(_ values: [String: String]) throws(SandboxErrorResponse) {
    let applied = state.withLock { state in
      Result { () throws(SandboxErrorResponse) in try state.conf.apply(values.mapValues(JSONValue.string)) }
    }
    try applied.get()
  }

  /// Issues an OAuth access token for a seeded principal without a login, as the token endpoint would; `nil` for an
  /// unknown user name.
  package func issueOAuthAccessToken(userName: String, lifetimeSeconds: Double = 3600) -> String? {
    let now = clock.now()
    return state.withLock { state in
      state.principal(userName: userName).map {
        state.issueOAuthAccessToken(for: $0, lifetimeSeconds: lifetimeSeconds, now: now)
      }
    }
  }

  // MARK: OAuth controls

  /// Makes discovery hand out URLs under `baseURL`, e.g. `http://127.0.0.1:8080` (the server's address, known only
  /// once it listens).
  package func setBaseURL(_ baseURL: String) {
    state.withLock { $0.oauth.baseURL = baseURL }
  }

  /// What the user does for authorize requests that no ``enqueueConsent(_:)`` choice is waiting for.
  package func setStandingConsent(_ consent: SandboxConsent) {
    state.withLock { $0.oauth.consent.standing = consent }
  }

  /// What the user does for the next valid authorize request; several queue up in order.
  package func enqueueConsent(_ consent: SandboxConsent) {
    state.withLock { $0.oauth.consent.enqueue(consent) }
  }

  /// How many ``enqueueConsent(_:)`` choices are still waiting for an authorize request.
  package var queuedConsentCount: Int {
    state.withLock { $0.oauth.consent.queued.count }
  }

  /// `expires_in` of access tokens issued from now on.
  package func setAccessTokenLifetime(seconds: Int) {
    state.withLock { $0.oauth.accessTokenLifetimeSeconds = seconds }
  }

  /// The tokens a completed `databricks-cli` login of a seeded user would leave (an access token and a refresh token
  /// of a new family, at the workspace's authorization server), without the browser step: for benchmarks and
  /// scripts that seed a token cache. `nil` for an unknown user name.
  package func issueOAuthLogin(
    userName: String,
    lifetimeSeconds: Double = 3600
  ) -> (accessToken: String, refreshToken: String)? {
    let now = clock.now()
    return state.withLock { state in
      guard let principal = state.principal(userName: userName) else { return nil }
      let grant = RefreshTokenStore.Grant(
        issuer: .workspace,
        clientID: OAuthApp.databricksCLIClientID,
        scopes: ["offline_access", "all-apis"],
        principalID: principal.id,
        family: state.oauth.refreshTokens.newFamily()
      )
      let refresh = state.oauth.refreshTokens.issue(grant)
      return (state.issueOAuthAccessToken(for: principal, lifetimeSeconds: lifetimeSeconds, now: now), refresh)
    }
  }

  /// Whether refreshes rotate the refresh token (the default, as Databricks does) or keep it and answer without one.
  package func setRefreshTokensRotate(_ rotate: Bool) {
    state.withLock { $0.oauth.refreshTokens.rotates = rotate }
  }

  /// Revokes a live refresh token, as an admin revoking the user's session would; `false` when there is none.
  @discardableResult
  package func revokeRefreshToken(_ value: String) -> Bool {
    state.withLock { $0.oauth.refreshTokens.revoke(value) }
  }

  /// How many refresh tokens are live (issued and neither rotated nor revoked).
  package var liveRefreshTokenCount: Int {
    state.withLock { $0.oauth.refreshTokens.liveCount }
  }

  /// A JWT of the sandbox's outside identity provider (what a CI system hands a job), signed so that the
  /// token-exchange grant accepts it when the seeded federation policy matches its claims. The defaults match that
  /// policy: ``SandboxSeed/federationIssuer``, ``SandboxSeed/federationSubject`` and the account id as audience.
  package func mintSubjectToken(
    subject: String = SandboxSeed.federationSubject,
    audience: String? = nil,
    issuer: String = SandboxSeed.federationIssuer,
    lifetimeSeconds: Double = 300
  ) -> String {
    let now = clock.now()
    let audience = audience ?? accountID
    return state.withLock {
      $0.oauth.subjectTokens.sign(
        issuer: issuer,
        subject: subject,
        audience: audience,
        lifetimeSeconds: lifetimeSeconds,
        now: now
      )
    }
  }

  /// Token endpoint requests (workspace and account alike) with this `grant_type`; `""` counts those without one.
  package func tokenRequestCount(grantType: String) -> Int {
    state.withLock { $0.oauth.tokenRequestCounts[grantType] ?? 0 }
  }
}
