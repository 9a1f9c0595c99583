import Basics
package import Foundation
import JSON
import LoopbackHTTP

/// An emulated Databricks workspace on `http://127.0.0.1:<port>`, with controls for tests.
///
/// It serves the Token, Token Management, Workspace Conf and SCIM `Me` APIs, and the OAuth U2M endpoints of the
/// workspace and its account (discovery, authorize with PKCE, token with rotating refresh tokens), with the paths,
/// JSON shapes, error bodies and policies of a real workspace, over real HTTP/1.1, so the client under test runs
/// unchanged. Tests steer it directly: inject faults per path, add latency, count calls, expire or revoke
/// credentials, choose what the user does on the consent page, move the clock. A client in another process steers it over HTTP
/// through `/__sandbox/` (see ``SandboxControl``).
///
/// ```swift
/// let sandbox = try DatabricksSandbox()
/// // A profile with host = sandbox.baseURL and token = sandbox.adminToken now works; make it struggle:
/// sandbox.injectFault(.tooManyRequests(retryAfterSeconds: 1), path: "/api/2.0/token/list", times: 2)
/// ...
/// #expect(sandbox.callCount("GET", "/api/2.0/token/list") == 3)
/// await sandbox.stop()
/// ```
package final class DatabricksSandbox: Sendable {
  package let workspace: SandboxWorkspace
  private let server: LoopbackHTTPServer
  private let faults: Locked<FaultPlan>
  private let calls: Locked<[String: Int]>
  /// The `User-Agent` of the last request per `"METHOD /path"`.
  private let userAgents: Locked<[String: String]>

  /// Starts serving at once on a free loopback port.
  ///
  /// - Throws: ``SandboxErrorResponse`` for an invalid `configuration.workspaceConf`, or a
  ///   `LoopbackHTTPServerError`.
  package init(configuration: SandboxConfiguration = SandboxConfiguration()) throws {
    let workspace = try SandboxWorkspace(configuration: configuration)
    let faults = Locked(FaultPlan())
    let calls = Locked<[String: Int]>([:])
    let userAgents = Locked<[String: String]>([:])
    let control = SandboxControl(faults: faults, calls: calls, workspace: workspace)
    // Enough connections for a benchmark's or a test's hundreds of concurrent requests.
    server = try LoopbackHTTPServer(maxConnections: 1024) { request in
      if let answer = control.answer(request) { return HTTPReply(.respond(answer)) }
      let path = request.path
      calls.withLock { $0[Self.callKey(request.method, path), default: 0] += 1 }
      userAgents.withLock { $0[Self.callKey(request.method, path)] = request.headers["User-Agent"] }
      let (fault, latency) = faults.withLock { ($0.nextFault(method: request.method, path: path), $0.latencySeconds) }
      switch fault {
      case .respond(let status, let body, let retryAfterSeconds)?:
        var response = HTTPResponse.json(body, status: status)
        if let retryAfterSeconds { response.headers.add("Retry-After", String(retryAfterSeconds)) }
        return HTTPReply(.respond(response), delaySeconds: latency)
      case .dropConnection?:
        return HTTPReply(.dropConnection, delaySeconds: latency)
      case .redirect(let status, let location)?:
        var response = HTTPResponse.json(["message": "Moved"], status: status)
        response.headers.add("Location", location)
        return HTTPReply(.respond(response), delaySeconds: latency)
      case .echo(let status)?:
        let echoed = Self.echo(request)
        let response = HTTPResponse.json(["error_code": "ECHO", "message": .string(echoed)], status: status)
        return HTTPReply(.respond(response), delaySeconds: latency)
      case .endlessBody(let chunkBytes, let pauseSeconds)?:
        let response = HTTPResponse(
          status: 200,
          headers: ["Content-Type": "application/json"],
          body: Array(repeating: UInt8(ascii: " "), count: max(1, chunkBytes))
        )
        return HTTPReply(.endlessBody(response, pauseSeconds: pauseSeconds), delaySeconds: latency)
      case .delay(let seconds)?:
        return HTTPReply(workspace.handle(request), delaySeconds: latency + seconds)
      case nil:
        // A long list comes a page of 1,000 tokens at a time, each page the latency after the one before.
        return HTTPReply(workspace.handle(request), delaySeconds: latency, partPauseSeconds: latency)
      }
    }
    self.workspace = workspace
    self.faults = faults
    self.calls = calls
    self.userAgents = userAgents
    workspace.setBaseURL(baseURL.absoluteString)
  }

  package var port: UInt16 { server.port }

  /// `http://127.0.0.1:<port>`, the workspace host to put in a profile.
  package var baseURL: URL {
    URL(string: "http://127.0.0.1:\(server.port)") ?? URL(fileURLWithPath: "/")
  }

  /// How many client connections are open right now.
  package var openConnectionCount: Int { server.openConnectionCount }

  /// How many client connections were accepted since the start, closed ones included (connection reuse shows here).
  package var acceptedConnectionCount: Int { server.acceptedConnectionCount }

  /// Closes the listener and every connection; returns when the server's threads have ended.
  package func stop() async {
    await server.stop()
  }

  // MARK: Credentials

  /// The seeded principals that have a PAT: the admin, then the ordinary user.
  package var bootstrapCredentials: [BootstrapCredential] {
    [
      BootstrapCredential(principal: SandboxSeed.admin, token: SandboxSeed.adminToken),
      BootstrapCredential(principal: SandboxSeed.user, token: SandboxSeed.userToken),
    ]
  }

  /// The workspace admin's bootstrap PAT.
  package var adminToken: String { SandboxSeed.adminToken }
  /// The non-admin user's bootstrap PAT.
  package var userToken: String { SandboxSeed.userToken }
  /// The seeded service principal (its `applicationID` is what on-behalf-of tokens name).
  package var servicePrincipal: SandboxPrincipal { SandboxSeed.servicePrincipal }

  // MARK: OAuth

  /// The account served under `/oidc/accounts/<accountID>/` (``SandboxSeed/accountID`` unless configured).
  package var accountID: String { workspace.accountID }

  /// What the user does on the consent page of the next valid authorize request; several queue up in order, and
  /// requests with none queued get the standing choice (approve as the admin unless ``setStandingConsent(_:)``).
  package func enqueueConsent(_ consent: SandboxConsent) {
    workspace.enqueueConsent(consent)
  }

  /// How many queued choices are still waiting; one less means an authorize request reached the consent page.
  package var queuedConsentCount: Int {
    workspace.queuedConsentCount
  }

  /// What the user does whenever no queued choice is waiting.
  package func setStandingConsent(_ consent: SandboxConsent) {
    workspace.setStandingConsent(consent)
  }

  /// `expires_in` of the access tokens issued from now on (3600 by default).
  package func setAccessTokenLifetime(seconds: Int) {
    workspace.setAccessTokenLifetime(seconds: seconds)
  }

  /// Whether a refresh rotates the refresh token (the default, as Databricks does for U2M apps: a new one in the
  /// answer, the presented one retired), or, as identity providers that do not rotate, answers without
  /// `refresh_token` and leaves the presented one valid, so a client must keep using the one it has.
  package func setRefreshTokensRotate(_ rotate: Bool) {
    workspace.setRefreshTokensRotate(rotate)
  }

  /// Revokes a live refresh token; `false` when there is none with that value.
  @discardableResult
  package func revokeRefreshToken(_ value: String) -> Bool {
    workspace.revokeRefreshToken(value)
  }

  /// How many refresh tokens are live: issued, and neither rotated nor revoked.
  package var liveRefreshTokenCount: Int {
    workspace.liveRefreshTokenCount
  }

  /// How many token endpoint requests carried this `grant_type` (`"authorization_code"`, `"refresh_token"`; `""`
  /// for none). Only requests that reached the endpoint count; ``callCount(_:_:)`` counts faulted ones too.
  package func tokenRequestCount(grantType: String) -> Int {
    workspace.tokenRequestCount(grantType: grantType)
  }

  // MARK: Faults

  /// Makes the next `times` calls to `path` (exact, without the query; any method when `method` is `nil`) meet
  /// `fault`. Faulted calls never reach the workspace, except a ``SandboxFault/delay(seconds:)``.
  package func injectFault(_ fault: SandboxFault, path: String, method: String? = nil, times: Int = 1) {
    faults.withLock { $0.add(fault, path: path, method: method, times: times) }
  }

  /// Delays every answer by this many seconds (0 turns it off). The Token Management list, which Databricks sends as
  /// one long body, also comes a page of 1,000 tokens at a time, each page this long after the one before: 5,000
  /// tokens take five times the latency, as a long answer from a distant workspace takes its time to arrive.
  package func setLatency(seconds: Double) {
    faults.withLock { $0.latencySeconds = seconds }
  }

  /// Forgets every pending fault and the latency.
  package func clearFaults() {
    faults.withLock { $0.clear() }
  }

  // MARK: Call counts

  /// How many requests arrived for `method` and `path` (without the query), faulted ones included.
  package func callCount(_ method: String, _ path: String) -> Int {
    calls.withLock { $0[Self.callKey(method, path)] ?? 0 }
  }

  /// Every request count so far, keyed `"METHOD /path"`.
  package var callCounts: [String: Int] {
    calls.withLock { $0 }
  }

  /// The `User-Agent` header of the last request for `method` and `path` (without the query); `nil` when no such
  /// request came or it had none.
  package func lastUserAgent(_ method: String, _ path: String) -> String? {
    userAgents.withLock { $0[Self.callKey(method, path)] }
  }

  package func resetCallCounts() {
    calls.withLock { $0 = [:] }
  }

  /// The request as it arrived, for ``SandboxFault/echo(status:)``.
  private static func echo(_ request: HTTPRequest) -> String {
    let headers = request.headers.fields.map { "\($0.name): \($0.value)" }
    return ([request.method + " " + request.target] + headers + ["", String(decoding: request.body, as: UTF8.self)])
      .joined(separator: "\n")
  }

  private static func callKey(_ method: String, _ path: String) -> String {
    "\(method) \(path)"
  }

  // MARK: Workspace controls

  /// Makes the PAT or OAuth access token with this value expire now; `false` when there is none.
  @discardableResult
  package func expireToken(value: String) -> Bool {
    workspace.expireToken(value: value)
  }

  /// Deletes the PAT or OAuth access token with this value; `false` when there is none.
  @discardableResult
  package func revokeToken(value: String) -> Bool {
    workspace.revokeToken(value: value)
  }

  /// Stores the tokens `seed` describes, created, expiring and last used when it says; returns their ids.
  @discardableResult
  package func seedTokens(_ seed: TokenSeed) -> [String] {
    workspace.seedTokens(seed)
  }

  /// Stops the workspace clock where it is (`true`), so times seeded as offsets stay exactly where they were put, or
  /// lets it run on (`false`).
  package func setClockFrozen(_ frozen: Bool) {
    workspace.clock.setFrozen(frozen)
  }

  /// Moves the workspace clock forward, so tokens expire without waiting.
  package func advanceClock(bySeconds seconds: TimeInterval) {
    workspace.clock.advance(bySeconds: seconds)
  }
}
