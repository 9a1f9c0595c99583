import Databricks
import Foundation
import JSON
import JSONRPC

/// Signs a profile in: with `token`, checks the PAT against SCIM `Me` and saves it; otherwise runs the CLI's OAuth
/// U2M flow. The authorization URL is always reported (progress, stderr, and a `pending` answer when `waitSeconds`
/// pass first); the flow runs on until `timeoutSeconds`, and `login` again (same profile or `loginId`) waits on it.
/// Once it has ended, its `loginId` still answers with how it ended for a while (see ``LoginCoordinator``), while the
/// same profile without a `loginId` starts a new flow.
enum Login: RPCMethod {
  static let name = "login"
  static let defaultWaitSeconds = 300.0
  static let defaultTimeoutSeconds = 600.0

  struct Params: Decodable, Sendable {
    var profile: String?
    var host: String?
    var accountId: String?
    var token: String?
    var scopes: [String]?
    var openBrowser: Bool?
    var waitSeconds: Double?
    var timeoutSeconds: Double?
    var loginId: String?
  }

  struct Result: Encodable, Sendable {
    var status: String
    var profile: String?
    var host: String?
    var level: String?
    var authType: String?
    var user: User?
    var expiresAt: String?
    var loginId: String?
    var authorizationUrl: String?
  }

  struct User: Encodable, Sendable {
    var userName: String
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    problems.require((params.waitSeconds ?? 0) >= 0, "/waitSeconds", "must not be negative")
    problems.require((params.timeoutSeconds ?? 1) > 0, "/timeoutSeconds", "must be positive")
    problems.require(params.token.map { !$0.isEmpty } ?? true, "/token", "must not be empty")
    problems.require(params.loginId == nil || params.token == nil, "/loginId", "a PAT login has no flow to join")
    try problems.check()
    let services = call.services
    let waitSeconds = params.waitSeconds ?? defaultWaitSeconds

    if let loginId = params.loginId {
      guard let flow = await services.logins.flow(id: loginId) else {
        let minutes = Int(LoginCoordinator.defaultFinishedFlowRetention / 60)
        throw RPCError.invalidParams([
          (path: "/loginId", message: "is unknown (a login is remembered for \(minutes) minutes after it ends)")
        ])
      }
      return try await wait(on: flow, seconds: waitSeconds, call)
    }

    let target = try await target(params, services)
    if let token = params.token {
      return try await patLogin(target, token: token, services)
    }
    let login = services.oauthLogin(openBrowser: params.openBrowser ?? true)
    let flow = await services.logins.flow(
      for: target.profile,
      timeoutSeconds: params.timeoutSeconds ?? defaultTimeoutSeconds
    ) { publish in
      try await login.run(target, publish: publish)
    }
    return try await wait(on: flow, seconds: waitSeconds, call)
  }

  /// The profile, host, account and scopes to log in with: the params, else what the profile already has.
  static func target(_ params: Params, _ services: Services) async throws -> OAuthLogin.Target {
    let config = try await services.config.current()
    let name = params.profile ?? services.resolver.defaultProfileName(in: config) ?? INIDocument.defaultSection
    let existing = config?.profile(name)
    guard let rawHost = params.host ?? existing?.attributes["host"] else {
      throw RPCError.invalidParams([(path: "/host", message: "is required: the profile \(name) has no host yet")])
    }
    guard let host = DatabricksHost(rawHost), host.isAllowedForRequests else {
      throw RPCError.invalidParams([
        (path: "/host", message: "must be an https:// workspace or account URL (http:// only for this machine)")
      ])
    }
    let accountId = params.accountId ?? existing?.accountId ?? host.accountIdFromQuery
    if host.isAccountsHost && accountId == nil {
      throw RPCError.invalidParams([(path: "/accountId", message: "is required for an account console host")])
    }
    let scopes =
      params.scopes
      ?? existing?.attributes["scopes"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
      ?? []
    return OAuthLogin.Target(profile: name, host: host, accountId: accountId, scopes: scopes.filter { !$0.isEmpty })
  }

  /// A PAT login: the token must work (SCIM `Me`) before anything is written.
  static func patLogin(_ target: OAuthLogin.Target, token: String, _ services: Services) async throws -> Result {
    let user: CurrentUser
    do {
      user = try await WorkspaceAPI(client: services.client, host: target.host, bearer: token).currentUser()
    } catch let error as APIError where error.kind == .authRequired || error.kind == .permissionDenied {
      throw PersonalAccessTokenRefused(host: target.host.url, reason: error.message)
    }
    try await ConfigEditor.edit(services.config.path) { document throws(INIEditError) in
      try ProfileEdits.savePATLogin(&document, profile: target.profile, host: target.host.url, token: token)
    }
    return Result(
      status: "complete",
      profile: target.profile,
      host: target.host.url,
      level: target.host.isAccountsHost ? "account" : "workspace",
      authType: "pat",
      user: User(userName: user.userName)
    )
  }

  /// Waits on the flow: `seconds` for it to finish, but a `pending` answer only once the URL exists (it appears right
  /// after OAuth discovery; a flow that fails before that answers with its error), so `pending` always carries it.
  static func wait(on flow: LoginCoordinator.Flow, seconds: Double, _ call: MethodCall) async throws -> Result {
    let logins = call.services.logins
    let started = Date()
    if let url = await logins.authorizationURL(of: flow.id) {
      call.request.reportProgress(
        1,
        message: "Waiting for the browser: open the authorization URL to sign in to \(flow.profile)",
        extras: ["stage": "awaiting_browser", "authorizationUrl": .string(url), "loginId": .string(flow.id)]
      )
    }
    switch try await logins.wait(flow, seconds: max(0, seconds - Date().timeIntervalSince(started))) {
    case .finished(let outcome):
      return Result(
        status: "complete",
        profile: outcome.profile,
        host: outcome.host,
        level: outcome.level.rawValue,
        authType: outcome.authType,
        user: outcome.userName.map(User.init),
        expiresAt: outcome.expiresAt.map(RFC3339.utcString)
      )
    case .pending(let url):
      return Result(
        status: "pending",
        expiresAt: RFC3339.utcString(flow.expiresAt),
        loginId: flow.id,
        authorizationUrl: url
      )
    }
  }
}
