import Databricks
import Foundation
import JSON
import JSONRPC
import Sandbox
import Server
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// `login`, `getToken`, `logout` and `describeProfile` against the sandbox's OIDC endpoints over real loopback HTTP:
/// the browser step is an HTTP client following the authorization URL, and the sandbox consents (or not).
@Suite(.timeLimit(.minutes(1))) struct LoginTests {
  func tokenCache(_ world: SandboxedServer) throws -> JSONValue {
    let url = world.home.directory.appendingPathComponent(".databricks/token-cache.json")
    return try JSONParser.parse(Array(try Data(contentsOf: url)))
  }

  func config(_ world: SandboxedServer) throws -> String {
    try String(contentsOf: world.home.configFile, encoding: .utf8)
  }

  @Test func aWorkspaceLoginStoresTokensAndTheProfileAsTheCLIDoes() async throws {
    try await SandboxedServer.with { world in
      let result = try await world.result("login", ["profile": "needs-login"])
      #expect(result["status"] == "complete")
      #expect(result["user"] == ["userName": "admin@sandbox.example"])
      #expect(result["authType"] == "databricks-cli")
      let cache = try tokenCache(world)
      #expect(cache["version"] == 1)
      let host = world.sandbox.baseURL.absoluteString
      let entry = try #require(cache["tokens"]?["needs-login"])
      #expect(cache["tokens"]?[host] == entry, "mirrored to the host key in plaintext mode")
      #expect(entry["token_type"] == "Bearer")
      #expect(entry["refresh_token"]?.stringValue?.hasPrefix("sbxrt-") == true)
      let expiry = try #require(entry["expiry"]?.stringValue)
      #expect(expiry.contains("."), "Go writes fractional seconds")
      let text = try config(world)
      #expect(text.contains("[needs-login]\nhost = \(host)\nauth_type = databricks-cli\n"))
      #expect(text.contains("auth_storage = plaintext"), "no keyring: pinned to the file, as the CLI does")
      let attributes = try FileManager.default.attributesOfItem(
        atPath: world.home.directory.appendingPathComponent(".databricks/token-cache.json").path
      )
      #expect(attributes[.posixPermissions] as? Int == 0o600)
      // The new credential works for API calls.
      let tokens = try await world.result("listTokens", ["profile": "needs-login"])
      #expect(tokens["tokens"]?.arrayValue?.isEmpty == false)
    }
  }

  /// An account console host (`accounts.*`; here `accounts.localhost`, which libcurl resolves to loopback) uses the
  /// account's fixed endpoints without discovery, for the login and its refresh, and caches under the account key.
  @Test func anAccountConsoleLoginUsesTheAccountsFixedEndpoints() async throws {
    try await SandboxedServer.with { world in
      let account = world.sandbox.accountID
      let host = "http://accounts.localhost:\(world.sandbox.port)"
      world.sandbox.setAccessTokenLifetime(seconds: 120)
      let result = try await world.result(
        "login",
        ["profile": "console", "host": .string(host), "accountId": .string(account)]
      )
      #expect(result["status"] == "complete")
      #expect(result["level"] == "account")
      #expect(result["host"] == .string(host))
      let cache = try tokenCache(world)["tokens"]
      #expect(cache?["console"]?["access_token"] != nil)
      #expect(cache?["\(host)/oidc/accounts/\(account)"] == cache?["console"], "mirrored to the account key")
      #expect(try await world.result("getToken", ["profile": "console"])["accessToken"] != nil)
      #expect(world.sandbox.callCount("POST", "/oidc/accounts/\(account)/v1/token") == 2, "the code, then the refresh")
      #expect(world.sandbox.callCount("GET", "/oidc/accounts/\(account)/.well-known/oauth-authorization-server") == 0)
      #expect(try config(world).contains("account_id = \(account)"))
    }
  }

  /// On a unified host (its host metadata points OAuth at the account) a login given the account id uses the
  /// account's authorization server, and so does the refresh: a workspace token endpoint would refuse the account's
  /// refresh token.
  @Test func aUnifiedHostLogsInAndRefreshesAtTheAccountsAuthorizationServer() async throws {
    var configuration = SandboxConfiguration()
    configuration.unifiedHost = true
    try await SandboxedServer.with(configuration) { world in
      let account = world.sandbox.accountID
      world.sandbox.setAccessTokenLifetime(seconds: 120)  // inside the refresh margin: getToken refreshes
      let result = try await world.result(
        "login",
        ["profile": "acct", "host": .string(world.sandbox.baseURL.absoluteString), "accountId": .string(account)]
      )
      #expect(result["status"] == "complete")
      #expect(try config(world).contains("account_id = \(account)"))
      #expect(try await world.result("getToken", ["profile": "acct"])["accessToken"] != nil)
      #expect(world.sandbox.callCount("POST", "/oidc/accounts/\(account)/v1/token") == 2, "the code, then the refresh")
      #expect(world.sandbox.callCount("POST", "/oidc/v1/token") == 0)
    }
  }

  /// The CLI writes `account_id` into plain workspace profiles too, so an account id alone does not make OAuth the
  /// account's: a workspace host's metadata keeps login and refresh on the workspace's server.
  @Test func aWorkspaceGivenAnAccountIdStaysOnItsOwnAuthorizationServer() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.setAccessTokenLifetime(seconds: 120)
      let result = try await world.result(
        "login",
        [
          "profile": "ws", "host": .string(world.sandbox.baseURL.absoluteString),
          "accountId": .string(world.sandbox.accountID),
        ]
      )
      #expect(result["status"] == "complete")
      #expect(try await world.result("getToken", ["profile": "ws"])["accessToken"] != nil)
      #expect(world.sandbox.callCount("POST", "/oidc/v1/token") == 2)
      #expect(world.sandbox.callCount("GET", "/.well-known/databricks-config") >= 1, "the host was asked")
    }
  }

  /// A redirect with a foreign state is not this login's answer: the listener ignores it (as it does one from any
  /// local process), so the login waits on for the real one, here until its deadline, and exchanges nothing.
  @Test func deniedConsentFailsTheLoginAndAForeignStateIsIgnored() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.enqueueConsent(.deny)
      let denied = try await world.error("login", ["profile": "needs-login"])
      #expect(ApplicationError(errorObject: denied) == .authFailed)
      #expect(denied["data"]?["kind"] == "auth_failed")
      #expect(denied["data"]?["oauthError"] == "access_denied")
      world.sandbox.enqueueConsent(.tamperState)
      let tampered = try await world.error("login", ["profile": "needs-login", "timeoutSeconds": 2])
      #expect(ApplicationError(errorObject: tampered) == .timeout)
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 0, "no code was exchanged")
      #expect(
        !FileManager.default.fileExists(
          atPath: world.home.directory.appendingPathComponent(".databricks/token-cache.json").path
        )
      )
    }
  }

  @Test func aBusyPortIsSkipped() async throws {
    try await SandboxedServer.with(loginPorts: LoopbackListener.defaultPorts) { world in
      // Hold the first port of the range this socket can bind (parallel tests may hold lower ones for a moment).
      let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      defer { close(socket) }
      var held: UInt16?
      for port in LoopbackListener.defaultPorts where held == nil {
        if Self.withLoopbackAddress(port: port, { bind(socket, $0, $1) }) == 0 { held = port }
      }
      let busy = try #require(held)
      #expect(listen(socket, 1) == 0)
      let request: JSONValue = [
        "jsonrpc": "2.0", "id": "p", "method": "login",
        "params": ["profile": "needs-login", "_meta": ["progressToken": "p"]],
      ]
      world.server.connection.receive(JSONWriter.bytes(request)[...])
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "p" } }
      let url = try #require(
        messages.first { $0["method"] == "notifications/progress" }?["params"]?["_meta"]?["brickauth/authorizationUrl"]?
          .stringValue
      )
      let redirect = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "redirect_uri" }?.value)
      #expect(redirect.hasPrefix("http://localhost:80"))
      #expect(redirect != "http://localhost:\(busy)", "the held port is never used")
      #expect(messages.last { $0["id"] == "p" }?["result"]?["status"] == "complete")
    }
  }

  @Test func aPendingLoginCompletesThroughItsLoginId() async throws {
    try await SandboxedServer.with { world in
      let pending = try await world.result(
        "login",
        ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0]
      )
      #expect(pending["status"] == "pending")
      let loginId = try #require(pending["loginId"]?.stringValue)
      let url = try #require(pending["authorizationUrl"]?.stringValue.flatMap(URL.init(string:)))
      #expect(pending["expiresAt"]?.stringValue != nil)
      // The same profile joins the running flow rather than starting a second listener.
      let again = try await world.result("login", ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0])
      #expect(again["loginId"] == pending["loginId"])
      #expect(again["authorizationUrl"] == pending["authorizationUrl"])
      // Now "the user" opens the URL: the sandbox consents and redirects to the listener, which shows its page.
      let (_, response) = try await URLSession.shared.data(from: url)
      #expect((response as? HTTPURLResponse)?.statusCode == 200)
      let done = try await world.result("login", ["loginId": .string(loginId), "waitSeconds": 30])
      #expect(done["status"] == "complete")
      #expect(done["profile"] == "needs-login")
      #expect(done["user"] == ["userName": "admin@sandbox.example"])
      // The flow has ended; its loginId still answers with how it ended, at once.
      let later = try await world.result("login", ["loginId": .string(loginId), "waitSeconds": 0])
      #expect(later == done)
      // Logging the profile in again is a new sign-in: a new flow, not the finished one.
      let fresh = try await world.result(
        "login",
        ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0, "timeoutSeconds": 5]
      )
      #expect(fresh["status"] == "pending")
      #expect(fresh["loginId"] != pending["loginId"])
      let unknown = try await world.error("login", ["loginId": "not-a-login"])
      #expect(unknown["data"]?["errors"]?.arrayValue?.first?["path"] == "/loginId")
    }
  }

  /// Any local process can reach the login's port. A forged redirect (a wrong state, or the right one under another
  /// `Host`) and a flood of idle connections before the browser's redirect leave the login waiting, and the browser's
  /// redirect still completes it.
  @Test func forgedRedirectsAndAFloodOfConnectionsCannotAbortALogin() async throws {
    try await SandboxedServer.with { world in
      let pending = try await world.result(
        "login",
        ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0]
      )
      let loginId = try #require(pending["loginId"]?.stringValue)
      let url = try #require(pending["authorizationUrl"]?.stringValue.flatMap(URL.init(string:)))
      let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
      let redirect = try #require(query.first { $0.name == "redirect_uri" }?.value.flatMap(URL.init(string:)))
      let port = try #require(redirect.port.map(UInt16.init))
      let state = try #require(query.first { $0.name == "state" }?.value)
      let forged = [
        "GET /?code=forged&state=forged HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n",
        "GET /?code=forged HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n",
        "GET /?code=forged&state=\(state) HTTP/1.1\r\nHost: rebound.example:\(port)\r\n\r\n",
      ]
      for request in forged {
        let response = await DedicatedThread.run { Self.exchange(request, port: port) }
        #expect(response.hasPrefix("HTTP/1.1 400 "), "\(request)")
      }
      let idle = await DedicatedThread.run { (0..<100).compactMap { _ in Self.connected(port: port) } }
      defer { idle.forEach { close($0) } }
      let (_, response) = try await URLSession.shared.data(from: url)
      #expect((response as? HTTPURLResponse)?.statusCode == 200)
      let done = try await world.result("login", ["loginId": .string(loginId), "waitSeconds": 30])
      #expect(done["status"] == "complete")
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 1, "only the real code was exchanged")
    }
  }

  /// A blocking connection to 127.0.0.1:`port` with 10 s receive and send timeouts; `nil` when it failed.
  static func connected(port: UInt16) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    guard Self.withLoopbackAddress(port: port, { connect(fd, $0, $1) }) == 0 else {
      close(fd)
      return nil
    }
    return fd
  }

  /// Calls `body` with the address 127.0.0.1:`port` and its length.
  static func withLoopbackAddress<T>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
  }

  /// Sends `request` on a new connection and reads until the server closes it.
  static func exchange(_ request: String, port: UInt16) -> String {
    guard let fd = connected(port: port) else { return "" }
    defer { close(fd) }
    _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while case let count = buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }), count > 0 {
      response += buffer[..<count]
    }
    return String(decoding: response, as: UTF8.self)
  }

  @Test func aPendingAnswerWaitsForTheAuthorizationURL() async throws {
    try await SandboxedServer.with { world in
      // Discovery is slow, so the URL exists only well after waitSeconds have passed.
      world.sandbox.injectFault(.delay(seconds: 0.5), path: "/oidc/.well-known/oauth-authorization-server")
      let pending = try await world.result(
        "login",
        ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0, "timeoutSeconds": 10]
      )
      #expect(pending["status"] == "pending")
      let url = try #require(pending["authorizationUrl"]?.stringValue)
      #expect(url.hasPrefix(world.sandbox.baseURL.absoluteString + "/oidc/v1/authorize?"))
    }
  }

  @Test func aLoginWhoseDiscoveryFailsAnswersWithThatError() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.injectFault(
        .respond(status: 404, body: ["error_code": "NOT_FOUND", "message": "no OIDC here"]),
        path: "/oidc/.well-known/oauth-authorization-server"
      )
      let error = try await world.error("login", ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0])
      #expect(ApplicationError(errorObject: error) == .authFailed)
      #expect(error["data"]?["kind"] == "auth_failed")
      #expect(error["message"]?.stringValue?.contains("not supported") == true)
    }
  }

  @Test func aLoginPastItsDeadlineTimesOutAndClosesItsListener() async throws {
    // A port of its own: the ones of the default range are opened and closed by other tests all the time.
    let port = try #require(Self.freePort())
    try await SandboxedServer.with(loginPorts: port...port) { world in
      world.server.connection.receive(
        #"{"jsonrpc":"2.0","id":"t","method":"login","params":{"profile":"needs-login","openBrowser":false,"timeoutSeconds":1,"_meta":{"progressToken":"t"}}}"#
      )
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "t" } }
      let timedOut = try #require(messages.last { $0["id"] == "t" }?["error"])
      #expect(ApplicationError(errorObject: timedOut) == .timeout)
      #expect(timedOut["data"]?["kind"] == "timeout")
      let url = try #require(
        messages.first { $0["params"]?["progressToken"] == "t" }?["params"]?["_meta"]?["brickauth/authorizationUrl"]?
          .stringValue
      )
      let redirect = URLComponents(string: url)?.queryItems?.first { $0.name == "redirect_uri" }?.value
      #expect(redirect == "http://localhost:\(port)", "the listener was on that port")
      // The flow ends only once its listener has closed its sockets, and the error comes after the flow ended.
      #expect(!Self.accepts(port: port))
    }
  }

  @Test func everyPortTakenIsBusy() async throws {
    let held = try #require(Self.holdPorts(count: 2))
    defer { held.sockets.forEach { close($0) } }
    try await SandboxedServer.with(loginPorts: held.ports) { world in
      let error = try await world.error("login", ["profile": "needs-login", "openBrowser": false])
      #expect(ApplicationError(errorObject: error) == .busy)
      #expect(error["data"]?["kind"] == "busy")
      #expect(error["data"]?["retryable"] == true)
      let range = "\(held.ports.lowerBound)-\(held.ports.upperBound)"
      #expect(error["data"]?["ports"] == .string(range))
      #expect(error["message"]?.stringValue?.contains(range) == true)
    }
  }

  @Test func cancellingALoginClosesItsListener() async throws {
    try await SandboxedServer.with { world in
      world.server.connection.receive(
        #"{"jsonrpc":"2.0","id":"c","method":"login","params":{"profile":"needs-login","openBrowser":false,"_meta":{"progressToken":"c"}}}"#
      )
      let started = try await world.server.writer.waitUntil { $0.contains { $0["params"]?["progressToken"] == "c" } }
      let url = try #require(
        started.first { $0["params"]?["progressToken"] == "c" }?["params"]?["_meta"]?["brickauth/authorizationUrl"]?
          .stringValue
      )
      let redirect = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "redirect_uri" }?.value)
      let callback = try #require(URL(string: redirect))
      world.server.connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"c"}}"#)
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "c" } }
      #expect(messages.last { $0["id"] == "c" }?["error"]?["code"] == -32800)
      // The listener is gone: connecting to its port is refused (bounded polling while it closes).
      let port = try #require(callback.port)
      var listening = true
      for _ in 0..<250 where listening {
        listening = Self.accepts(port: UInt16(port))
        if listening { try await Task.sleep(nanoseconds: 20_000_000) }
      }
      #expect(!listening)
    }
  }

  /// A socket listening on 127.0.0.1:`port` (0: any free port), and the port it got; `nil` when it is taken.
  static func listeningSocket(port: UInt16) -> (socket: Int32, port: UInt16)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      return nil
    }
    return (fd, UInt16(bigEndian: address.sin_port))
  }

  /// A loopback port nobody listens on right now.
  static func freePort() -> UInt16? {
    guard let probe = listeningSocket(port: 0) else { return nil }
    close(probe.socket)
    return probe.port
  }

  /// `count` consecutive loopback ports, each held by a listening socket of this test.
  static func holdPorts(count: Int) -> (sockets: [Int32], ports: ClosedRange<UInt16>)? {
    for _ in 0..<50 {
      guard let first = listeningSocket(port: 0) else { return nil }
      var sockets = [first.socket]
      for offset in 1..<count {
        guard first.port <= UInt16.max - UInt16(offset),
          let next = listeningSocket(port: first.port + UInt16(offset))
        else { break }
        sockets.append(next.socket)
      }
      if sockets.count == count { return (sockets, first.port...(first.port + UInt16(count - 1))) }
      sockets.forEach { close($0) }
    }
    return nil
  }

  /// Whether something accepts TCP connections on 127.0.0.1:`port`, without ever blocking: a listener that stopped
  /// accepting would otherwise leave a blocking `connect` hanging once the backlog fills.
  static func accepts(port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let started = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if started == 0 { return true }
    guard errno == EINPROGRESS else { return false }
    var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    guard poll(&poller, 1, 200) == 1 else { return true }  // still pending: a backlog is taking it
    var failure: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
    return failure == 0
  }

  @Test func aPATLoginIsCheckedBeforeItIsSaved() async throws {
    try await SandboxedServer.with { world in
      let host = JSONValue.string(world.sandbox.baseURL.absoluteString)
      let before = try config(world)
      let refused = try await world.error(
        "login",
        ["profile": "pat", "host": host, "token": "dapi-not-a-real-token-0000000000"]
      )
      #expect(ApplicationError(errorObject: refused) == .authFailed)
      #expect(refused["data"] == ["kind": "auth_failed", "retryable": false])
      #expect(refused["message"]?.stringValue?.hasPrefix("The token was refused by http://") == true)
      #expect(try config(world) == before, "nothing is written for a bad token")
      let created = try await world.result("createToken", ["profile": "user", "comment": "for pat login"])
      let token = try #require(created["tokenValue"])
      let done = try await world.result("login", ["profile": "pat", "host": host, "token": token])
      #expect(
        done == [
          "status": "complete", "profile": "pat", "host": host, "level": "workspace", "authType": "pat",
          "user": ["userName": "user@sandbox.example"],
        ]
      )
      #expect(
        try config(world).contains(
          "[pat]\nhost = \(world.sandbox.baseURL.absoluteString)\ntoken = \(token.stringValue ?? "")\n"
        )
      )
    }
  }

  @Test func getTokenRefreshesAnExpiringTokenOnceForAHundredCallers() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.setAccessTokenLifetime(seconds: 120)  // inside the 5-minute refresh margin
      _ = try await world.result("login", ["profile": "needs-login"])
      world.sandbox.setAccessTokenLifetime(seconds: 3600)
      let results = try await withThrowingTaskGroup(of: JSONValue.self) { group in
        for _ in 0..<100 { group.addTask { try await world.result("getToken", ["profile": "needs-login"]) } }
        return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
      }
      #expect(world.sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
      #expect(Set(results.compactMap { $0["accessToken"]?.stringValue }).count == 1)
      let cached = try tokenCache(world)["tokens"]?["needs-login"]?["access_token"]
      #expect(results.first?["accessToken"] == cached, "the refreshed token was stored")
    }
  }

  @Test func aRefreshAnsweredWithoutARefreshTokenKeepsTheOldOne() async throws {
    try await SandboxedServer.with { world in
      // Inside the 5-minute refresh margin: every getToken refreshes.
      world.sandbox.setAccessTokenLifetime(seconds: 120)
      _ = try await world.result("login", ["profile": "needs-login"])
      let host = world.sandbox.baseURL.absoluteString
      let loggedIn = try #require(tokenCache(world)["tokens"]?["needs-login"])
      let refreshToken = try #require(loggedIn["refresh_token"]?.stringValue)
      world.sandbox.setRefreshTokensRotate(false)
      let first = try await world.result("getToken", ["profile": "needs-login"])
      #expect(world.sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
      #expect(first["accessToken"] != loggedIn["access_token"], "it was refreshed")
      let afterFirst = try tokenCache(world)["tokens"]
      #expect(afterFirst?["needs-login"]?["access_token"] == first["accessToken"])
      #expect(afterFirst?["needs-login"]?["refresh_token"] == .string(refreshToken))
      #expect(afterFirst?[host]?["refresh_token"] == .string(refreshToken), "the host key's mirror too")
      let second = try await world.result("getToken", ["profile": "needs-login"])
      #expect(world.sandbox.tokenRequestCount(grantType: "refresh_token") == 2)
      #expect(second["accessToken"] != first["accessToken"], "the kept refresh token worked again")
      #expect(try tokenCache(world)["tokens"]?["needs-login"]?["refresh_token"] == .string(refreshToken))
    }
  }

  @Test func aRevokedRefreshTokenMeansLoginAgain() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.setAccessTokenLifetime(seconds: 120)
      _ = try await world.result("login", ["profile": "needs-login"])
      let refresh = try #require(tokenCache(world)["tokens"]?["needs-login"]?["refresh_token"]?.stringValue)
      #expect(world.sandbox.revokeRefreshToken(refresh))
      let error = try await world.error("getToken", ["profile": "needs-login"])
      #expect(ApplicationError(errorObject: error) == .authRequired)
      #expect(error["data"]?["kind"] == "auth_required")
      #expect(error["message"]?.stringValue?.contains("login") == true)
      #expect(error["message"]?.stringValue?.contains(refresh) == false)
    }
  }

  @Test func logoutRemovesTokensAndOptionallyTheProfile() async throws {
    try await SandboxedServer.with { world in
      _ = try await world.result("login", ["profile": "needs-login"])
      let host = world.sandbox.baseURL.absoluteString
      #expect(try tokenCache(world)["tokens"]?[host] != nil, "the login mirrored the token to the host key")
      let out = try await world.result("logout", ["profile": "needs-login"])
      #expect(out == ["profile": "needs-login", "removedCredentials": true, "deletedProfile": false])
      let tokens = try tokenCache(world)["tokens"]
      #expect(tokens?["needs-login"] == nil)
      #expect(tokens?[host] == nil, "no other databricks-cli profile uses the host (admin and user have PATs)")
      let after = try await world.error("getToken", ["profile": "needs-login"])
      #expect(after["data"]?["kind"] == "auth_required", "signed out: no token is found under any key")
      let deleted = try await world.result("logout", ["profile": "needs-login", "deleteProfile": true])
      #expect(deleted == ["profile": "needs-login", "removedCredentials": false, "deletedProfile": true])
      #expect(!(try config(world).contains("[needs-login]")))
      #expect(try config(world).contains("[admin]"))
    }
  }

  @Test func logoutKeepsTheHostKeyAnotherOAuthProfileStillUses() async throws {
    try await SandboxedServer.with { world in
      let host = world.sandbox.baseURL.absoluteString
      let file = world.home.configFile
      try (String(contentsOf: file, encoding: .utf8) + "\n[second]\nhost = \(host)\nauth_type = databricks-cli\n")
        .write(to: file, atomically: true, encoding: .utf8)
      _ = try await world.result("login", ["profile": "needs-login"])
      _ = try await world.result("login", ["profile": "second"])
      _ = try await world.result("logout", ["profile": "needs-login"])
      let tokens = try tokenCache(world)["tokens"]
      #expect(tokens?["needs-login"] == nil)
      #expect(tokens?[host] != nil, "second signs in to the same host and keeps its mirror")
      #expect(try await world.result("getToken", ["profile": "second"])["accessToken"] != nil)
    }
  }

  @Test func describeProfileSaysWhereTokensLiveAndWhoTheyAreFor() async throws {
    try await SandboxedServer.with { world in
      let admin = try await world.result("describeProfile")
      #expect(admin["profile"] == "admin")
      #expect(admin["authType"] == "pat")
      #expect(admin["source"] == "config")
      #expect(admin["valid"] == true)
      #expect(admin["loginRequired"] == false)
      #expect(admin["loginRequiredReason"] == nil)
      #expect(admin["user"]?["userName"] == "admin@sandbox.example")
      // The sandbox's config pins plaintext, so a sandbox login never reaches the user's OS keyring.
      #expect(
        admin["tokenStorage"]
          == ["mode": "plaintext", "source": "config", "location": .string(tokenCachePath(world))]
      )
      let configFile = world.home.configFile.path
      #expect(
        admin["configuration"]?["token"] == ["value": "********", "source": .string("\(configFile) config file")]
      )
      #expect(admin["configuration"]?["host"]?["value"] == .string(world.sandbox.baseURL.absoluteString))
      let pending = try await world.result("describeProfile", ["profile": "needs-login"])
      #expect(pending["valid"] == false)
      #expect(pending["error"]?["data"]?["kind"] == "auth_required")
      #expect(pending["loginRequired"] == true)
      #expect(pending["loginRequiredReason"] == pending["error"]?["message"], "the reason getToken gives")
    }
  }

  @Test func describeProfileReportsTheFileWhenADefaultSecureModeFindsNoKeyring() async throws {
    try await SandboxedServer.with { world in
      let file = world.home.configFile
      try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "auth_storage = plaintext\n", with: "")
        .write(to: file, atomically: true, encoding: .utf8)
      let storage = try await world.result("describeProfile", ["profile": "needs-login"])["tokenStorage"]
      #expect(storage?["mode"] == "plaintext", "the CLI reads the file when the default keyring is unreachable")
      #expect(storage?["source"] == "default")
      #expect(storage?["location"] == .string(tokenCachePath(world)))
      #expect(storage?["fallbackReason"]?.stringValue?.contains("no OS keyring in this test") == true)
    }
  }

  func tokenCachePath(_ world: SandboxedServer) -> String {
    world.home.directory.appendingPathComponent(".databricks/token-cache.json").path
  }
}
