import Foundation
import JSON
import LoopbackHTTP
import Sandbox
import Server
import TestSupport
import Testing

/// `login {loginId, callbackUrl}`: a browser on another machine never reaches the login's listener, so the user pastes
/// the address it ended on. Here nothing follows the authorization URL: the test asks the sandbox's authorize
/// endpoint for its redirect without following it, and never connects to the callback port.
@Suite(.timeLimit(.minutes(1))) struct PastedRedirectLoginTests {
  /// A login of `needs-login` left pending (no browser), with its id and authorization URL.
  func pendingLogin(_ world: SandboxedServer, timeoutSeconds: Double = 60) async throws -> (
    loginId: String, url: String, pending: JSONValue
  ) {
    let pending = try await world.result(
      "login",
      ["profile": "needs-login", "openBrowser": false, "waitSeconds": 0, "timeoutSeconds": .double(timeoutSeconds)]
    )
    #expect(pending["status"] == "pending")
    return (
      try #require(pending["loginId"]?.stringValue), try #require(pending["authorizationUrl"]?.stringValue), pending
    )
  }

  /// The address the browser would end on: the authorize endpoint's redirect, read and not followed.
  static func redirectAddress(of authorizationURL: String) async throws -> String {
    let url = try #require(URLComponents(string: authorizationURL))
    let port = try #require(url.port.map(UInt16.init))
    let target = url.percentEncodedPath + "?" + (url.percentEncodedQuery ?? "")
    let connection = try RawHTTPConnection(port: port)
    defer { connection.close() }
    try await connection.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
    let response = try await connection.readResponse()
    #expect(response?.status == 302)
    return try #require(response?.headers["Location"])
  }

  static func query(_ address: String, _ name: String) -> String? {
    URLComponents(string: address)?.queryItems?.first { $0.name == name }?.value
  }

  /// Every line the service wrote, as one string, for "this secret appears nowhere" checks.
  static func output(_ world: SandboxedServer) -> String {
    world.server.writer.rawMessages.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
  }

  /// Every error the service answered with, as one string. The state is in the authorization URL for all to see, but
  /// an error never repeats it (or the code) from the pasted address.
  static func errors(_ world: SandboxedServer) -> String {
    world.server.writer.values.compactMap { $0["error"] ?? ($0["result"]?["isError"] == true ? $0["result"] : nil) }
      .map { String(decoding: JSONWriter.bytes($0), as: UTF8.self) }.joined(separator: "\n")
  }

  @Test func thePastedAddressCompletesTheLoginWithNoConnectionToTheListener() async throws {
    try await SandboxedServer.with { world in
      let (loginId, url, pending) = try await pendingLogin(world)
      #expect(pending["message"]?.stringValue?.contains("callbackUrl") == true)
      let address = try await Self.redirectAddress(of: url)
      let callback = try #require(URLComponents(string: address))
      let port = try #require(callback.port.map(UInt16.init))
      #expect(callback.host == "localhost")
      #expect(LoginTests.accepts(port: port), "the listener is open, and no browser reached it")
      let code = try #require(Self.query(address, "code"))
      let state = try #require(Self.query(address, "state"))

      let done = try await world.result(
        "login",
        ["loginId": .string(loginId), "callbackUrl": .string("  \(address)\n"), "waitSeconds": 30]
      )
      #expect(done["status"] == "complete")
      #expect(done["profile"] == "needs-login")
      #expect(done["user"] == ["userName": "admin@sandbox.example"])
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 1)
      #expect(!LoginTests.accepts(port: port), "the listener is closed")
      #expect(try await world.result("getToken", ["profile": "needs-login"])["accessToken"] != nil)

      // The same address again: the flow has ended, the code is not exchanged twice.
      let reused = try await world.error("login", ["loginId": .string(loginId), "callbackUrl": .string(address)])
      #expect(ApplicationError(errorObject: reused) == .authFailed)
      #expect(reused["message"]?.stringValue?.contains("already ended") == true)
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 1)
      #expect(!Self.output(world).contains(code))
      #expect(!Self.errors(world).contains(state))
    }
  }

  /// A wrong address leaves the flow waiting: a wrong state, port or host, an error redirect, or one too long.
  @Test func aWrongAddressIsAuthFailedAndTheFlowWaitsOn() async throws {
    try await SandboxedServer.with { world in
      let (loginId, url, _) = try await pendingLogin(world)
      let address = try await Self.redirectAddress(of: url)
      let port = try #require(URLComponents(string: address)?.port)
      let code = try #require(Self.query(address, "code"))
      let state = try #require(Self.query(address, "state"))
      let wrong: [(address: String, says: String)] = [
        (address.replacingOccurrences(of: "state=", with: "state=x"), "another login's state"),
        (address.replacingOccurrences(of: ":\(port)", with: ":\(port + 1)"), "port"),
        (address.replacingOccurrences(of: "localhost", with: "attacker.example"), "localhost or 127.0.0.1"),
        (address.replacingOccurrences(of: "http://", with: "https://"), "http://"),
        ("http://localhost:\(port)/?error=access_denied&state=\(state)", "refused"),
        (address + "&padding=" + String(repeating: "p", count: 16_384), "longer than 16384 bytes"),
      ]
      for (pasted, says) in wrong {
        let error = try await world.error("login", ["loginId": .string(loginId), "callbackUrl": .string(pasted)])
        #expect(ApplicationError(errorObject: error) == .authFailed, "\(says)")
        let message = error["message"]?.stringValue ?? ""
        #expect(message.contains(says), "\(message)")
        #expect(message.contains("still waits"))
        let still = try await world.result("login", ["loginId": .string(loginId), "waitSeconds": 0])
        #expect(still["status"] == "pending", "\(says)")
      }
      let deniedAddress = "http://localhost:\(port)/?error=access_denied&state=\(state)"
      let denied = try await world.error("login", ["loginId": .string(loginId), "callbackUrl": .string(deniedAddress)])
      #expect(denied["data"]?["oauthError"] == "access_denied")
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 0, "nothing was exchanged")
      let done = try await world.result("login", ["loginId": .string(loginId), "callbackUrl": .string(address)])
      #expect(done["status"] == "complete", "the right address still completes it")
      #expect(!Self.output(world).contains(code))
      #expect(!Self.errors(world).contains(state))
    }
  }

  @Test func aFlowGivenOnlyWrongAddressesEndsAtItsDeadline() async throws {
    try await SandboxedServer.with { world in
      let (loginId, url, _) = try await pendingLogin(world, timeoutSeconds: 2)
      let address = try await Self.redirectAddress(of: url)
      let forged = address.replacingOccurrences(of: "state=", with: "state=forged")
      let refused = try await world.error("login", ["loginId": .string(loginId), "callbackUrl": .string(forged)])
      #expect(ApplicationError(errorObject: refused) == .authFailed)
      let ended = try await world.error("login", ["loginId": .string(loginId), "waitSeconds": 30])
      #expect(ApplicationError(errorObject: ended) == .timeout)
    }
  }

  /// The browser's redirect reached the listener first: the same address pasted afterwards is refused, and the code
  /// is exchanged once.
  @Test func whicheverArrivesFirstWins() async throws {
    try await SandboxedServer.with { world in
      let (loginId, url, _) = try await pendingLogin(world)
      let address = try await Self.redirectAddress(of: url)
      let callback = try #require(URLComponents(string: address))
      let port = try #require(callback.port.map(UInt16.init))
      let request = "GET /?\(callback.percentEncodedQuery ?? "") HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n"
      let page = await DedicatedThread.run { LoginTests.exchange(request, port: port) }
      #expect(page.hasPrefix("HTTP/1.1 200 "))
      let pasted = try await world.error("login", ["loginId": .string(loginId), "callbackUrl": .string(address)])
      #expect(ApplicationError(errorObject: pasted) == .authFailed)
      let done = try await world.result("login", ["loginId": .string(loginId), "waitSeconds": 30])
      #expect(done["status"] == "complete")
      #expect(world.sandbox.tokenRequestCount(grantType: "authorization_code") == 1)
    }
  }

  @Test func aCallbackUrlNeedsALoginId() async throws {
    try await SandboxedServer.with { world in
      let error = try await world.error("login", ["profile": "needs-login", "callbackUrl": "http://localhost:8020/"])
      #expect(error["code"] == -32602)
      #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/callbackUrl")
    }
  }

  @Test func theLoginToolTakesTheCallbackUrl() async throws {
    try await SandboxedServer.with { world in
      let (loginId, url, _) = try await pendingLogin(world)
      let address = try await Self.redirectAddress(of: url)
      let result = try await world.result(
        "tools/call",
        ["name": "login", "arguments": ["loginId": .string(loginId), "callbackUrl": .string(address)]]
      )
      #expect(result["isError"] == false)
      #expect(result["structuredContent"]?["status"] == "complete")
      let forged = address.replacingOccurrences(of: "state=", with: "state=x")
      let second = try await pendingLogin(world)
      let refused = try await world.result(
        "tools/call",
        ["name": "login", "arguments": ["loginId": .string(second.loginId), "callbackUrl": .string(forged)]]
      )
      #expect(refused["isError"] == true)
      #expect(refused["structuredContent"]?["error"]?["data"]?["kind"] == "auth_failed")
      #expect(!Self.output(world).contains(try #require(Self.query(address, "code"))))
    }
  }
}
