import Basics
package import Databricks
package import Foundation
import LoopbackHTTP

/// The local token endpoint of this process: the SDKs' `metadata-service` credential protocol on `127.0.0.1`, so
/// other Databricks tools (the Python and Go SDKs, the CLI, the VS Code extension) use brickauth's sign-in without a
/// token ever being written to their environment.
///
/// One HTTP server per process, started on the first ``serve(profile:)``; each served profile gets its own secret
/// path, the same for the life of the process. Tokens come from ``CredentialManager``, so an expiring OAuth token is
/// refreshed once for all requests and processes, and a profile that needs a login is refused (never a browser).
/// The URL is a secret: it is never logged.
///
/// A request may name the token Databricks refused in `X-Brickauth-Rejected-Token`: it is replaced only while it is
/// still the one held, once for all requests naming it, and a token already replaced gets the current one without a
/// request to Databricks (``RejectedTokenDecision``); a refused PAT is `401 login_required`. The header's value is a
/// token, so it is never logged or echoed.
package final class MetadataService: Sendable {
  private struct State {
    var server: LoopbackHTTPServer?
    var routes: MetadataServiceRoutes?
    /// Profile names (the credential manager's request) by route key.
    var requests: [String: String?] = [:]
  }

  private let config: ConfigStore
  private let resolver: ProfileResolver
  private let credentials: CredentialManager
  private let now: @Sendable () -> Date
  private let state = Locked(State())

  package init(
    config: ConfigStore,
    resolver: ProfileResolver,
    credentials: CredentialManager,
    now: @escaping @Sendable () -> Date
  ) {
    self.config = config
    self.resolver = resolver
    self.credentials = credentials
    self.now = now
  }

  /// Serves `profile` (resolved as `getToken` resolves it) and returns its URL and environment; the same URL every
  /// time for the same profile.
  /// - Throws: ``ConfigError`` when the profile cannot be resolved, ``CredentialError`` when brickauth cannot mint
  ///   tokens for it, ``LoopbackHTTPServerError`` when the endpoint cannot listen.
  package func serve(profile requested: String?) async throws -> ServedCredentials {
    let profile = try await resolve(requested)
    guard let host = profile.host else { throw CredentialError.loginRequired(profile: profile.name, reason: "no host") }
    switch profile.credentialKind {
    case .pat, .oauth, .m2m, .federation: break
    case .other, .none:
      throw CredentialError.unsupportedAuthType(profile: profile.name, authType: profile.authType)
    }
    let key = Self.key(profile)
    let (port, path) = try state.withLock { state in
      if state.server == nil {
        let server = try LoopbackHTTPServer { [self] request in answer(request) }
        state.server = server
        state.routes = MetadataServiceRoutes(port: server.port)
      }
      var routes = state.routes ?? MetadataServiceRoutes(port: 0)
      let path = routes.path(for: key) ?? MetadataServiceRoutes.randomPath()
      routes.add(path: path, .init(key: key, host: host))
      state.routes = routes
      state.requests[key] = .some(profile.name)
      return (routes.port, path)
    }
    let url = "http://127.0.0.1:\(port)\(path)"
    var env = [
      "DATABRICKS_HOST": host.url,
      "DATABRICKS_AUTH_TYPE": "metadata-service",
      "DATABRICKS_METADATA_SERVICE_URL": url,
    ]
    env["DATABRICKS_ACCOUNT_ID"] = profile.accountId
    env["DATABRICKS_WORKSPACE_ID"] = profile.workspaceId
    return ServedCredentials(profile: profile.name ?? "", host: host.url, url: url, env: env)
  }

  /// Retires `profile`'s URL (resolved as in ``serve(profile:)``): it answers 404 from then on. `false` when the
  /// profile was not served or cannot be resolved.
  package func stopServing(profile requested: String?) async -> Bool {
    guard let profile = try? await resolve(requested) else { return false }
    let key = Self.key(profile)
    return state.withLock { state in
      state.requests[key] = nil
      return state.routes?.remove(key: key) ?? false
    }
  }

  /// Stops the endpoint, if it was started.
  package func stop() async {
    await state.withLock { $0.server }?.stop()
  }

  private func resolve(_ requested: String?) async throws -> Profile {
    let snapshot = try await config.snapshot()
    return try resolver.resolve(requested, in: snapshot.value, path: config.path)
  }

  /// Served profiles are known by section name; the environment profile (no name) by a name no section can have.
  private static func key(_ profile: Profile) -> String {
    profile.name ?? "\u{0}environment"
  }

  /// One request, on its connection's thread: checked, then answered with a token the credential manager provides.
  /// The thread waits for the task that fetches it; connection threads are never the cooperative pool's.
  private func answer(_ request: HTTPRequest) -> HTTPReply {
    let checked = state.withLock { state in
      (state.routes?.check(request) ?? .failure(.unknownPath)).map { route in (route, state.requests[route.key]) }
    }
    let (route, name): (MetadataServiceRoutes.Route, String??)
    switch checked {
    case .failure(let refusal): return HTTPReply(.respond(refusal.response))
    case .success(let found): (route, name) = found
    }
    guard let name else { return HTTPReply(.respond(MetadataServiceRefusal.unknownPath.response)) }
    let rejectedToken: String?
    switch MetadataServiceRoutes.rejectedToken(in: request) {
    case .failure(let refusal): return HTTPReply(.respond(refusal.response))
    case .success(let named): rejectedToken = named
    }
    let answered = Locked<HTTPResponse?>(nil)
    let credentials = self.credentials
    let now = self.now
    Task {
      let response: HTTPResponse
      do {
        let credential = try await credentials.credential(for: name, rejectedToken: rejectedToken)
        if credential.host.url.lowercased() != route.host.url.lowercased() {
          response = MetadataServiceRefusal.wrongHost.response
        } else {
          response = MetadataServiceAnswer.token(bearer: credential.bearer, expiresAt: credential.expiresAt, now: now())
        }
      } catch {
        response = Self.refusal(for: error).response
      }
      answered.withLockAndSignal { $0 = response }
    }
    return HTTPReply(
      .respond(answered.wait(until: { $0 != nil }) { $0 } ?? MetadataServiceRefusal.unavailable.response)
    )
  }

  private static func refusal(for error: any Error) -> MetadataServiceRefusal {
    switch error {
    case CredentialError.loginRequired, TokenStorageError.keyringUnreachable: .loginRequired
    case CredentialError.unsupportedAuthType: .unsupportedAuthType
    case let error as APIError where error.kind == .authRequired: .loginRequired
    case OAuthError.invalidRefreshToken, OAuthError.missingRefreshToken: .loginRequired
    default: .unavailable
    }
  }
}
