import Databricks
import Foundation
import JSON
import JSONRPC
import Sandbox
import Server
import TestSupport
import Testing

/// A workspace (or an authorization server) that tries to get a credential sent elsewhere or shown back: redirects,
/// discovery documents naming other hosts, error bodies that echo the request, bodies that never end. A second
/// sandbox stands for the other host and counts what reaches it.
@Suite(.timeLimit(.minutes(1))) struct HostileServerTests {
  static let list = "/api/2.0/token/list"
  static let create = "/api/2.0/token/create"
  static let discovery = "/oidc/.well-known/oauth-authorization-server"
  static let token = "/oidc/v1/token"

  /// Runs `body` with the sandboxed server and another host, which must have received nothing by the end.
  func withOtherHost(
    _ configuration: SandboxConfiguration = SandboxConfiguration(),
    _ body: (SandboxedServer, DatabricksSandbox) async throws -> Void
  ) async throws {
    let other = try DatabricksSandbox()
    do {
      try await SandboxedServer.with(configuration) { world in try await body(world, other) }
    } catch {
      await other.stop()
      throw error
    }
    #expect(other.callCounts.isEmpty, "the other host got \(other.callCounts)")
    await other.stop()
  }

  /// Every string in `answer`, flattened, for "no secret appears anywhere".
  func text(_ answer: JSONValue) -> String {
    String(decoding: JSONWriter.bytes(answer), as: UTF8.self)
  }

  enum RedirectTarget: CaseIterable {
    case otherHost, otherHostByName, plainHTTPElsewhere, sameHost
  }

  func location(_ target: RedirectTarget, world: SandboxedServer, other: DatabricksSandbox, path: String) -> String {
    switch target {
    case .otherHost: "\(other.baseURL.absoluteString)\(path)"
    case .otherHostByName: "http://localhost:\(other.port)\(path)"
    case .plainHTTPElsewhere: "http://workspace.invalid\(path)"
    case .sameHost: "\(world.sandbox.baseURL.absoluteString)\(path)"
    }
  }

  @Test(arguments: RedirectTarget.allCases, [302, 307, 308])
  func anAuthenticatedCallIsNeverRedirected(target: RedirectTarget, status: Int) async throws {
    try await withOtherHost { world, other in
      let tokens = world.sandbox.workspace.tokens.count
      for (method, path, rpc) in [("GET", Self.list, "listTokens"), ("POST", Self.create, "createToken")] {
        let to = location(target, world: world, other: other, path: path)
        world.sandbox.injectFault(.redirect(status: status, location: to), path: path, method: method)
        let error = try await world.error(rpc)
        #expect(ApplicationError(errorObject: error) == .upstreamError, "\(rpc) → \(to)")
        #expect(error["data"]?["kind"] == "upstream_error")
        #expect(error["data"]?["httpStatus"] == .int(Int64(status)))
        #expect(world.sandbox.callCount(method, path) == 1, "the credential was sent once")
        #expect(!text(error).contains(world.sandbox.adminToken))
      }
      #expect(world.sandbox.workspace.tokens.count == tokens, "no token was created by a followed POST")
    }
  }

  @Test func aRedirectedRefreshNeverSendsTheRefreshTokenElsewhere() async throws {
    try await withOtherHost { world, other in
      _ = try await world.result("login", ["profile": "needs-login"])
      world.sandbox.injectFault(
        .redirect(status: 307, location: other.baseURL.absoluteString + Self.token),
        path: Self.token
      )
      let error = try await world.error("getToken", ["profile": "needs-login", "forceRefresh": true])
      #expect(error["data"]?["kind"] == "upstream_error")
      #expect(error["data"]?["httpStatus"] == 307)
      #expect(!text(error).contains("sbxrt-"))
    }
  }

  @Test func aRedirectedCodeExchangeNeverSendsTheCodeElsewhere() async throws {
    try await withOtherHost { world, other in
      world.sandbox.injectFault(
        .redirect(status: 307, location: other.baseURL.absoluteString + Self.token),
        path: Self.token
      )
      let error = try await world.error("login", ["profile": "needs-login"])
      #expect(error["data"]?["kind"] == "upstream_error")
      #expect(error["data"]?["httpStatus"] == 307)
      #expect(!text(error).contains("sbxcode-"))
    }
  }

  /// Endpoints a discovery document may not name: another host (127.0.0.1 on another port, `localhost` for the
  /// same port, 127.0.0.2), a relative URL, and plain `http://` off this machine even on an `accounts.` name.
  @Test(arguments: ["authorization_endpoint", "token_endpoint"])
  func aDiscoveryDocumentNamingAnotherHostIsRefused(member: String) async throws {
    try await withOtherHost { world, other in
      let sandbox = world.sandbox.baseURL.absoluteString
      let elsewhere = [
        other.baseURL.absoluteString + "/oidc/v1/token",
        "http://localhost:\(world.sandbox.port)/oidc/v1/token",
        "http://127.0.0.2:\(world.sandbox.port)/oidc/v1/token",
        "/oidc/v1/token",
        "http://accounts.cloud.databricks.com/oidc/v1/token",
        "ftp://\(sandbox.dropFirst("http://".count))/oidc/v1/token",
      ]
      for url in elsewhere {
        var document: [String: JSONValue] = [
          "authorization_endpoint": .string(sandbox + "/oidc/v1/authorize"),
          "token_endpoint": .string(sandbox + Self.token),
        ]
        document[member] = .string(url)
        world.sandbox.injectFault(.respond(status: 200, body: .object(document)), path: Self.discovery)
        let error = try await world.error("login", ["profile": "needs-login"])
        #expect(ApplicationError(errorObject: error) == .upstreamError, "\(member) = \(url)")
        #expect(error["data"]?["url"] == .string(url))
        #expect(world.sandbox.callCount("GET", "/oidc/v1/authorize") == 0, "the browser was not sent anywhere")
      }
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 0)
    }
  }

  @Test func aDiscoveryDocumentMayNameAnAccountConsoleHost() async throws {
    let host = try #require(DatabricksHost("https://adb-1.azuredatabricks.net"))
    #expect(OAuthClient.isEndpoint("https://adb-1.azuredatabricks.net/oidc/v1/token", trustedFor: host))
    #expect(OAuthClient.isEndpoint("https://ADB-1.azuredatabricks.net/oidc/v1/token", trustedFor: host))
    #expect(OAuthClient.isEndpoint("https://accounts.azuredatabricks.net/oidc/accounts/a/v1/token", trustedFor: host))
    let dod = try #require(DatabricksHost("https://dbc-1.cloud.databricks.mil"))
    #expect(OAuthClient.isEndpoint("https://accounts-dod.cloud.databricks.mil/oidc/v1/token", trustedFor: dod))
    #expect(!OAuthClient.isEndpoint("http://adb-1.azuredatabricks.net/oidc/v1/token", trustedFor: host))
    #expect(!OAuthClient.isEndpoint("https://adb-1.azuredatabricks.net:8443/oidc/v1/token", trustedFor: host))
    #expect(!OAuthClient.isEndpoint("https://evil.example/oidc/v1/token", trustedFor: host))
  }

  /// An `accounts.` prefix alone is no account console: it must be the one of the workspace's own cloud domain.
  @Test func anAccountsNameOnAnotherDomainIsNoAccountConsole() throws {
    let host = try #require(DatabricksHost("https://adb-1.azuredatabricks.net"))
    #expect(!OAuthClient.isEndpoint("https://accounts.evil.example/oidc/v1/token", trustedFor: host))
    #expect(!OAuthClient.isEndpoint("https://accounts.net/oidc/v1/token", trustedFor: host))
    #expect(!OAuthClient.isEndpoint("https://accounts-dod.cloud.databricks.us/oidc/v1/token", trustedFor: host))
    #expect(!OAuthClient.isEndpoint("https://accounts.azuredatabricks.net:8443/oidc/v1/token", trustedFor: host))
    let local = try #require(DatabricksHost("http://127.0.0.1:4000"))
    #expect(OAuthClient.isEndpoint("http://accounts.localhost:4000/oidc/v1/token", trustedFor: local))
    #expect(!OAuthClient.isEndpoint("http://accounts.localhost:4001/oidc/v1/token", trustedFor: local))
  }

  @Test func hostMetadataNamingAnotherHostSendsNothingThere() async throws {
    var configuration = SandboxConfiguration()
    configuration.unifiedHost = true
    try await withOtherHost(configuration) { world, other in
      let elsewhere = other.baseURL.absoluteString + "/oidc/accounts/\(world.sandbox.accountID)"
      world.sandbox.injectFault(
        .respond(status: 200, body: ["oidc_endpoint": .string(elsewhere)]),
        path: "/.well-known/databricks-config"
      )
      let result = try await world.result(
        "login",
        [
          "profile": "acct", "host": .string(world.sandbox.baseURL.absoluteString),
          "accountId": .string(world.sandbox.accountID),
        ]
      )
      #expect(result["status"] == "complete")
      #expect(world.sandbox.callCount("POST", "/oidc/accounts/\(world.sandbox.accountID)/v1/token") == 1)
    }
  }

  @Test func anErrorEchoingTheRequestShowsNoCredential() async throws {
    try await withOtherHost { world, _ in
      world.sandbox.injectFault(.echo(status: 400), path: Self.create)
      let created = try await world.error("createToken", ["comment": "echo"])
      #expect(created["data"]?["databricksErrorCode"] == "ECHO")
      #expect(created["message"]?.stringValue?.contains("POST /api/2.0/token/create") == true, "it was echoed")
      #expect(!text(created).contains(world.sandbox.adminToken))

      _ = try await world.result("login", ["profile": "needs-login"])
      world.sandbox.injectFault(.echo(status: 400), path: Self.token)
      let refreshed = try await world.error("getToken", ["profile": "needs-login", "forceRefresh": true])
      #expect(!text(refreshed).contains("sbxrt-"))
      world.sandbox.injectFault(.echo(status: 500), path: Self.list)
      let listed = try await world.error("listTokens", ["profile": "needs-login"])
      let accessToken = try #require(
        try await world.result("getToken", ["profile": "needs-login"])["accessToken"]?.stringValue
      )
      #expect(!text(listed).contains(accessToken))
    }
  }

  @Test func aCodeExchangeEchoShowsNoCodeOrVerifier() async throws {
    try await withOtherHost { world, _ in
      world.sandbox.injectFault(.echo(status: 400), path: Self.token)
      let error = try await world.error("login", ["profile": "needs-login"])
      #expect(error["data"]?["kind"] == "auth_failed")
      #expect(!text(error).contains("sbxcode-"))
    }
  }

  @Test func aBodyThatNeverEndsIsCutAtTheSizeCap() async throws {
    // The cap is 64 MiB; a smaller one here, and a sender that pauses between its 64 KiB pieces, keep the test from
    // taking the CPU of a busy machine.
    let world = try SandboxedServer(maxBodyBytes: 1 << 20)
    world.sandbox.injectFault(.endlessBody(chunkBytes: 1 << 16, pauseSeconds: 0.01), path: Self.list)
    let error = try await world.error("listTokens")
    #expect(error["data"]?["kind"] == "upstream_error")
    #expect(error["message"]?.stringValue?.contains("larger than \(1 << 20) bytes") == true)
    #expect(world.sandbox.callCount("GET", Self.list) == 1, "not retried")
    await world.close()
  }

  @Test func aBodyThatTricklesForeverIsCutByTheTimeout() async throws {
    // One byte every 0.2 s: the 1 s timeout for silence never fires; the attempt's overall deadline (4 s) does.
    let world = try SandboxedServer(requestTimeoutSeconds: 1)
    world.sandbox.injectFault(.endlessBody(chunkBytes: 1, pauseSeconds: 0.2), path: Self.create)
    let error = try await world.error("createToken")
    #expect(error["data"]?["kind"] == "network_error")
    #expect(error["message"]?.stringValue?.contains("did not answer in time") == true)
    #expect(world.sandbox.callCount("POST", Self.create) == 1)
    await world.close()
  }
}
