import Databricks
import Foundation
import JSON
import JSONRPC

/// Signs a profile in: with `token`, checks the PAT against SCIM `Me` and saves it; with `clientId` and
/// `clientSecret`, mints a token as that service principal, checks it and saves the pair (`oauth-m2m`); otherwise
/// runs the CLI's OAuth U2M flow. The authorization URL is always reported (progress, stderr, and a `pending` answer
/// when `waitSeconds` pass first); the flow runs on until `timeoutSeconds`, and `login` again (same profile or
/// `loginId`) waits on it.
/// Once it has ended, its `loginId` still answers with how it ended for a while (see ``LoginCoordinator``), while the
/// same profile without a `loginId` starts a new flow.
///
/// When the browser runs on another machine (the user is on an SSH host, in a dev container, in WSL), its redirect to
/// `http://localhost:<port>` never reaches the listener, but the address bar shows it: `login {loginId, callbackUrl}`
/// completes the flow from that address, checked as strictly as the listener checks the redirect (see
/// ``LoopbackListener/acceptPastedRedirect(_:)``). A wrong or reused address is `auth_failed` and the flow waits on.
enum Login: RPCMethod {
  static let name = "login"
  static let defaultWaitSeconds = 300.0
  static let defaultTimeoutSeconds = 600.0
  /// The longest a login may wait or run: a day. Nobody finishes a consent page later, and bounding the durations
  /// keeps every deadline computed from them finite.
  static let maximumSeconds = 86_400.0
  /// What a pending answer and its progress say about a browser on another machine.
  static let pasteHint =
    "If the browser is on another machine, its sign-in ends on an http://localhost address that does not load there: "
    + "call login with this loginId and that address as callbackUrl."

  struct Params: Decodable, Sendable {
    var profile: String?
    var host: String?
    var accountId: String?
    var token: String?
    var clientId: String?
    var clientSecret: String?
    var scopes: [String]?
    var openBrowser: Bool?
    var waitSeconds: Double?
    var timeoutSeconds: Double?
    var loginId: String?
    var callbackUrl: String?
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
    /// Pending only: ``pasteHint``.
    var message: String?
  }

  struct User: Encodable, Sendable {
    var userName: String
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    problems.require((params.waitSeconds ?? 0) >= 0, "/waitSeconds", "must not be negative")
    problems.require((params.timeoutSeconds ?? 1) > 0, "/timeoutSeconds", "must be positive")
    for (path, seconds) in [("/waitSeconds", params.waitSeconds), ("/timeoutSeconds", params.timeoutSeconds)] {
      problems.require((seconds ?? 0) <= maximumSeconds, path, "must be at most 86400 (a day)")
    }
    problems.require(params.token.map { !$0.isEmpty } ?? true, "/token", "must not be empty")
    problems.require(params.loginId == nil || params.token == nil, "/loginId", "a PAT login has no flow to join")
    problems.require(params.clientId.map { !$0.isEmpty } ?? true, "/clientId", "must not be empty")
    problems.require(params.clientSecret.map { !$0.isEmpty } ?? true, "/clientSecret", "must not be empty")
    problems.require(
      (params.clientId == nil) == (params.clientSecret == nil),
      params.clientId == nil ? "/clientId" : "/clientSecret",
      "is required with \(params.clientId == nil ? "clientSecret" : "clientId") (a service principal login)"
    )
    let servicePrincipal = params.clientId != nil || params.clientSecret != nil
    problems.require(!servicePrincipal || params.token == nil, "/token", "cannot be combined with clientId")
    problems.require(
      !servicePrincipal || params.loginId == nil,
      "/loginId",
      "a service principal login has no flow to join"
    )
    problems.require(
      params.callbackUrl == nil || params.loginId != nil,
      "/callbackUrl",
      "needs the loginId of the pending login it answers"
    )
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
      if let callbackUrl = params.callbackUrl {
        try await services.logins.acceptRedirect(callbackUrl, for: flow.id)
        return try await wait(on: flow, seconds: waitSeconds, call, awaitingBrowser: false)
      }
      return try await wait(on: flow, seconds: waitSeconds, call)
    }

    let target = try await target(params, services)
    if let token = params.token {
      return Result(try await services.patLogin.run(target, token: token))
    }
    if let clientId = params.clientId, let clientSecret = params.clientSecret {
      return Result(
        try await services.servicePrincipalLogin.run(target, clientId: clientId, clientSecret: clientSecret)
      )
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

  /// The profile, host, account and scopes to log in with: the params, else what the profile already has. A host
  /// or account that is missing or unusable is a problem with the params.
  static func target(_ params: Params, _ services: Services) async throws -> LoginTarget {
    let config = try await services.config.current()
    do throws(LoginTarget.Problem) {
      return try LoginTarget.resolve(
        profile: params.profile,
        host: params.host,
        accountId: params.accountId,
        scopes: params.scopes,
        config: config,
        resolver: services.resolver
      )
    } catch {
      switch error {
      case .noHost(let name):
        throw RPCError.invalidParams([(path: "/host", message: "is required: the profile \(name) has no host yet")])
      case .hostNotAllowed:
        throw RPCError.invalidParams([
          (path: "/host", message: "must be an https:// workspace or account URL (http:// only for this machine)")
        ])
      case .accountIdRequired:
        throw RPCError.invalidParams([(path: "/accountId", message: "is required for an account console host")])
      case .unrepresentableProfileName(let reason):
        // A named profile was checked with the params; this is the default profile's name.
        throw RPCError.invalidParams([(path: "/profile", message: "is required: the default profile's name \(reason)")])
      }
    }
  }

  /// Waits on the flow: `seconds` for it to finish, but a `pending` answer only once the URL exists (it appears right
  /// after OAuth discovery; a flow that fails before that answers with its error), so `pending` always carries it.
  /// `awaitingBrowser: false` (a pasted address was just accepted) skips the progress that asks for the browser.
  static func wait(
    on flow: LoginCoordinator.Flow,
    seconds: Double,
    _ call: MethodCall,
    awaitingBrowser: Bool = true
  ) async throws -> Result {
    let logins = call.services.logins
    let started = call.services.now()
    if awaitingBrowser, let url = await logins.authorizationURL(of: flow.id) {
      call.request.reportProgress(
        1,
        message: "Waiting for the browser: open the authorization URL to sign in to \(flow.profile). \(pasteHint)",
        extras: ["stage": "awaiting_browser", "authorizationUrl": .string(url), "loginId": .string(flow.id)]
      )
    }
    switch try await logins.wait(flow, seconds: max(0, seconds - call.services.now().timeIntervalSince(started))) {
    case .finished(let outcome):
      return Result(outcome)
    case .pending(let url):
      return Result(
        status: "pending",
        expiresAt: RFC3339.utcString(flow.expiresAt),
        loginId: flow.id,
        authorizationUrl: url,
        message: pasteHint
      )
    }
  }
}

extension Login.Result {
  /// A finished login, OAuth or PAT.
  init(_ outcome: LoginOutcome) {
    self.init(
      status: "complete",
      profile: outcome.profile,
      host: outcome.host,
      level: outcome.level.rawValue,
      authType: outcome.authType,
      user: outcome.userName.map(Login.User.init),
      expiresAt: outcome.expiresAt.map(RFC3339.utcString)
    )
  }
}
