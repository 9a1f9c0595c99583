import Databricks
import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct LoopbackListenerTests {
  private typealias Client = LoopbackTestClient

  private func listener(
    state: String? = "the-state",
    requestTimeoutSeconds: Double = LoopbackListener.defaultRequestTimeoutSeconds
  ) async throws -> LoopbackListener {
    try LoopbackListener(
      ports: await Client.randomPorts(),
      expectedState: state,
      applicationName: "the test",
      requestTimeoutSeconds: requestTimeoutSeconds
    )
  }

  /// Awaits `body`, but closes the listener and records an issue after 20 s: a listener that never finishes fails
  /// the test instead of hanging the run.
  private func bounded<T>(_ listener: LoopbackListener, _ body: () async throws -> T) async throws -> T {
    let watchdog = Task { [weak listener] () -> Bool in
      guard (try? await Task.sleep(for: .seconds(20))) != nil else { return false }
      listener?.close()
      return true
    }
    let result: Result<T, any Error>
    do {
      result = .success(try await body())
    } catch {
      result = .failure(error)
    }
    watchdog.cancel()
    if await watchdog.value { Issue.record("the listener did not finish within 20 s; the watchdog closed it") }
    return try result.get()
  }

  /// The listener is still waiting: the browser's redirect, carrying the flow's state, completes the flow.
  private func expectStillWaiting(_ listener: LoopbackListener) async throws {
    let port = listener.port
    #expect(await !Client.isRefused(port: port), "still listening")
    _ = await Client.exchange(Client.browserRequest("/?code=right&state=the-state", port: port), port: port)
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "right", state: "the-state"))
  }

  private func status(_ response: String?) -> String? {
    response?.split(separator: "\r\n", maxSplits: 1).first.map(String.init)
  }

  @Test func answersTheRedirectAndDeliversTheCode() async throws {
    let listener = try await listener()
    #expect(listener.redirectURI == "http://localhost:\(listener.port)")
    let waiter = Task { try await listener.callback() }
    let response = try #require(
      await Client.exchange(
        Client.browserRequest("/?code=the%2Dcode&state=the-state", port: listener.port),
        port: listener.port
      )
    )
    #expect(status(response) == "HTTP/1.1 200 OK")
    #expect(response.contains("You can close this tab and return to the test."))
    #expect(!response.contains("the-code") && !response.contains("the-state"))
    #expect(try await bounded(listener) { try await waiter.value } == .code(code: "the-code", state: "the-state"))
    #expect(await Client.isRefused(port: listener.port), "closed once the redirect was answered")
    #expect(
      try await bounded(listener) { try await listener.callback() } == .code(code: "the-code", state: "the-state"),
      "asking again"
    )
  }

  /// The same flow through a real HTTP client that resolves `localhost` itself, as a browser does.
  @Test func worksWithURLSessionThroughLocalhost() async throws {
    let listener = try await listener()
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 20
    let session = URLSession(configuration: configuration)
    defer { session.invalidateAndCancel() }
    let base = try #require(URL(string: listener.redirectURI))
    let (_, favicon) = try await session.data(from: base.appendingPathComponent("favicon.ico"))
    #expect((favicon as? HTTPURLResponse)?.statusCode == 404)
    let callback = try #require(URL(string: "\(listener.redirectURI)/?code=c%2Bd&state=the-state"))
    let (body, response) = try await session.data(from: callback)
    let http = try #require(response as? HTTPURLResponse)
    #expect(http.statusCode == 200)
    #expect(http.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
    #expect(String(decoding: body, as: UTF8.self).contains("You can close this tab and return to the test."))
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "c+d", state: "the-state"))
  }

  @Test func deliversAnErrorRedirectAsAResult() async throws {
    let listener = try await listener()
    let response = await Client.exchange(
      Client.browserRequest(
        "/?error=access_denied&error_description=User+%3Cb%3Edenied%3C%2Fb%3E&state=the-state",
        port: listener.port
      ),
      port: listener.port
    )
    #expect(status(response) == "HTTP/1.1 400 Bad Request")
    #expect(response?.contains("access_denied") == true)
    #expect(response?.contains("User &lt;b&gt;denied&lt;/b&gt;") == true)
    #expect(
      try await bounded(listener) { try await listener.callback() }
        == .error(error: "access_denied", description: "User <b>denied</b>", state: "the-state")
    )
    #expect(await Client.isRefused(port: listener.port))
  }

  @Test func servesProbesAndTheFaviconBeforeTheRedirect() async throws {
    let listener = try await listener()
    let port = listener.port
    // A browser's speculative connection that sends nothing must not hold up the others.
    let idle = try await DedicatedThread.run { Client.connect(port: port) }.get()
    defer { close(idle) }
    #expect(
      status(await Client.exchange(Client.browserRequest("/", port: port), port: port)) == "HTTP/1.1 404 Not Found"
    )
    #expect(
      status(await Client.exchange(Client.browserRequest("/favicon.ico", port: port), port: port))
        == "HTTP/1.1 404 Not Found"
    )
    #expect(
      status(await Client.exchange("HEAD /?code=c&state=the-state HTTP/1.1\r\nHost: x\r\n\r\n", port: port))
        == "HTTP/1.1 404 Not Found"
    )
    #expect(
      status(await Client.exchange("\u{16}\u{3}\u{1} TLS hello?\r\n\r\n", port: port)) == "HTTP/1.1 400 Bad Request"
    )
    let huge = "GET / HTTP/1.1\r\nHost: x\r\nCookie: \(String(repeating: "c", count: 70_000))\r\n\r\n"
    #expect(status(await Client.exchange(huge, port: port)) == "HTTP/1.1 431 Request Header Fields Too Large")
    // A client that gives up halfway through its head.
    try await DedicatedThread.run { () -> Result<Void, POSIXError> in
      Client.connect(port: port).map { halfway in
        _ = Array("GET /?code=x".utf8).withUnsafeBytes { send(halfway, $0.baseAddress, $0.count, 0) }
        close(halfway)
      }
    }.get()

    let response = await Client.exchange(Client.browserRequest("/?code=c&state=the-state", port: port), port: port)
    #expect(status(response) == "HTTP/1.1 200 OK")
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "c", state: "the-state"))
    #expect(await DedicatedThread.run { Client.readToEnd(idle) }.isEmpty, "the idle connection was closed, unanswered")
  }

  @Test func aWrongPathDoesNotEndTheFlow() async throws {
    let listener = try await listener()
    let port = listener.port
    let wrong = await Client.exchange(Client.browserRequest("/callback?code=c&state=the-state", port: port), port: port)
    #expect(status(wrong) == "HTTP/1.1 404 Not Found")
    try await expectStillWaiting(listener)
  }

  /// Any local process can reach the port: a redirect that does not carry this flow's state is answered and ignored,
  /// so it cannot end the login before the browser's real one arrives.
  @Test func ignoresAMismatchedStateWithoutShowingIt() async throws {
    let listener = try await listener()
    let port = listener.port
    let response = await Client.exchange(
      Client.browserRequest("/?code=the-code&state=forged-state", port: port),
      port: port
    )
    #expect(status(response) == "HTTP/1.1 400 Bad Request")
    #expect(response?.contains("State mismatch") == true)
    for secret in ["the-code", "forged-state", "the-state"] { #expect(response?.contains(secret) == false) }
    try await expectStillWaiting(listener)
  }

  @Test func ignoresARedirectWithoutItsState() async throws {
    let listener = try await listener()
    let port = listener.port
    let response = await Client.exchange(Client.browserRequest("/?code=c", port: port), port: port)
    #expect(status(response) == "HTTP/1.1 400 Bad Request")
    let repeated = await Client.exchange(
      Client.browserRequest("/?code=c&state=the-state&state=the-state", port: port),
      port: port
    )
    #expect(status(repeated) == "HTTP/1.1 400 Bad Request")
    try await expectStillWaiting(listener)
  }

  /// Only the authorization server knows the state: a malformed redirect that carries it ends the flow, rather than
  /// leaving the user waiting for a redirect that will not come.
  @Test func endsOnAMalformedRedirectThatCarriesTheState() async throws {
    let listener = try await listener()
    let response = await Client.exchange(
      Client.browserRequest("/?code=c&error=e&state=the-state", port: listener.port),
      port: listener.port
    )
    #expect(status(response) == "HTTP/1.1 400 Bad Request")
    await #expect(throws: LoopbackListenerError.invalidCallback(reason: "the redirect has both code and error")) {
      try await bounded(listener) { try await listener.callback() }
    }
  }

  /// The browser follows `http://localhost:<port>` and says so in `Host`; a page elsewhere that makes the browser
  /// send a request here under another name (DNS rebinding), or a client that omits the name, is ignored.
  @Test func ignoresARedirectForAnotherHost() async throws {
    let listener = try await listener()
    let port = listener.port
    for host in ["evil.example:\(port)", "127.0.0.1:\(port)", "localhost:\(port + 1)", "localhost", "[::1]:\(port)"] {
      let response = await Client.exchange(
        "GET /?code=c&state=the-state HTTP/1.1\r\nHost: \(host)\r\n\r\n",
        port: port
      )
      #expect(status(response) == "HTTP/1.1 400 Bad Request", "\(host)")
    }
    let noHost = await Client.exchange("GET /?code=c&state=the-state HTTP/1.0\r\n\r\n", port: port)
    #expect(status(noHost) == "HTTP/1.1 400 Bad Request")
    #expect(await !Client.isRefused(port: port), "still listening")
    let upper = await Client.exchange(
      "GET /?code=right&state=the-state HTTP/1.1\r\nHost: LocalHost:\(port)\r\n\r\n",
      port: port
    )
    #expect(status(upper) == "HTTP/1.1 200 OK", "host names ignore case")
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "right", state: "the-state"))
  }

  @Test func leavesTheStateToTheCallerWhenNotGivenOne() async throws {
    let listener = try await listener(state: nil)
    _ = await Client.exchange(
      Client.browserRequest("/?code=c&state=whatever", port: listener.port),
      port: listener.port
    )
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "c", state: "whatever"))
  }

  @Test func skipsPortsThatAreTaken() async throws {
    let ports = try await portsWithFreeStart(2)
    let held = try #require(Client.holdPort(ports.lowerBound))
    defer { close(held) }
    // A port whose ::1 side another program has is taken too: a browser trying ::1 first would reach it.
    let heldIPv6 = Client.holdPort(ports.lowerBound + 1, ipv6: true)
    defer { heldIPv6.map { _ = close($0) } }
    let listener = try LoopbackListener(ports: ports)
    defer { listener.close() }
    let expected = ports.lowerBound + (heldIPv6 == nil ? 1 : 2)
    if listener.port != expected {
      // Only another program taking `expected` after the check (a parallel test run) excuses moving further on.
      let expectedIsFree = Client.holdPort(expected).map { close($0) == 0 } ?? false
      #expect(!expectedIsFree && listener.port > expected, "port \(listener.port) instead of \(expected)")
    }
    #expect(listener.servesIPv6 == (heldIPv6 != nil))
  }

  @Test func failsWhenEveryPortIsTaken() async throws {
    let ports = try await portsWithFreeStart(2)
    let range = ports.lowerBound...(ports.lowerBound + 1)
    let held = range.compactMap { Client.holdPort($0) }
    defer { held.forEach { close($0) } }
    try #require(held.count == 2, "could not hold the ports for the test")
    #expect(throws: LoopbackListenerError.noPortAvailable(ports: range)) { try LoopbackListener(ports: range) }
  }

  /// A block whose first `count` ports are free right now on 127.0.0.1 and ::1 (checked by binding them): another
  /// program on this machine may be using ports anywhere, and the port tests assert exact numbers.
  private func portsWithFreeStart(_ count: UInt16) async throws -> ClosedRange<UInt16> {
    let hasIPv6 = Client.holdPort(0, ipv6: true).map { close($0) == 0 } ?? false
    for _ in 0..<20 {
      let ports = await Client.randomPorts()
      let probes = (ports.lowerBound..<(ports.lowerBound + count)).map { port in
        (Client.holdPort(port), hasIPv6 ? Client.holdPort(port, ipv6: true) : nil)
      }
      probes.forEach { ipv4, ipv6 in [ipv4, ipv6].compactMap { $0 }.forEach { close($0) } }
      if probes.allSatisfy({ $0.0 != nil && ($0.1 != nil || !hasIPv6) }) { return ports }
    }
    return try #require(nil as ClosedRange<UInt16>?, "no block of free ports found")
  }

  @Test func usesTheCLIsPortsByDefault() async throws {
    #expect(LoopbackListener.defaultPorts == 8020...8040)
    switch Result(catching: { () throws(LoopbackListenerError) in try LoopbackListener() }) {
    case .success(let listener):
      #expect(LoopbackListener.defaultPorts.contains(listener.port))
      listener.close()
      await #expect(throws: LoopbackListenerError.closed) {
        try await bounded(listener) { try await listener.callback() }
      }
    case .failure(let error):
      // Another login (or another test run) holds all 21 ports on this machine: acceptable here.
      #expect(error == .noPortAvailable(ports: LoopbackListener.defaultPorts))
    }
  }

  @Test func cancellingTheWaiterClosesTheListener() async throws {
    let listener = try await listener()
    let port = listener.port
    let waiter = Task { try await listener.callback() }
    #expect(await !Client.isRefused(port: port))
    waiter.cancel()
    await #expect(throws: CancellationError.self) { try await bounded(listener) { try await waiter.value } }
    #expect(await Client.isRefused(port: port), "closed by the time callback() threw")
  }

  @Test func closeIsIdempotentAndSafeFromAnyThread() async throws {
    let listener = try await listener()
    let port = listener.port
    let waiter = Task { try await listener.callback() }
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<8 { group.addTask { await DedicatedThread.run { listener.close() } } }
    }
    await #expect(throws: LoopbackListenerError.closed) { try await bounded(listener) { try await waiter.value } }
    listener.close()
    await #expect(throws: LoopbackListenerError.closed) {
      try await bounded(listener) { try await listener.callback() }
    }
    #expect(await Client.isRefused(port: port))
  }

  @Test func releasingTheListenerClosesIt() async throws {
    var listener: LoopbackListener? = try await listener()
    let port = try #require(listener?.port)
    #expect(await !Client.isRefused(port: port))
    listener = nil
    // The thread closes the sockets a moment after the release: wait for that, bounded.
    let deadline = ContinuousClock.now + .seconds(10)
    var refused = await Client.isRefused(port: port)
    while !refused && ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(10))
      refused = await Client.isRefused(port: port)
    }
    #expect(refused)
  }

  @Test(.enabled(if: LoopbackTestClient.nonLoopbackIPv4Address() != nil, "no non-loopback IPv4 address"))
  func listensOnLoopbackOnly() async throws {
    let listener = try await listener()
    defer { listener.close() }
    let address = try #require(Client.nonLoopbackIPv4Address())
    let port = listener.port
    let result = await DedicatedThread.run { Client.connect(port: port, host: address) }
    switch result {
    case .success(let fd):
      close(fd)
      Issue.record("connected through \(address)")
    case .failure(let error):
      #expect(error.code == .ECONNREFUSED)
    }
    #expect(await !Client.isRefused(port: port), "while 127.0.0.1 answers")
  }

  @Test func answersOnIPv6LoopbackToo() async throws {
    let listener = try await listener()
    guard listener.servesIPv6 else { return }  // no ::1 on this machine
    let response = await Client.exchange(
      Client.browserRequest("/?code=c&state=the-state", port: listener.port),
      port: listener.port,
      host: "::1"
    )
    #expect(status(response) == "HTTP/1.1 200 OK")
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "c", state: "the-state"))
    #expect(await Client.isRefused(port: listener.port, host: "::1"))
  }

  @Test func manyIdleConnectionsCannotCrowdOutTheRedirect() async throws {
    let listener = try await listener()
    let port = listener.port
    let idle = try await DedicatedThread.run { (0..<100).map { _ in Client.connect(port: port) } }.map { try $0.get() }
    defer { idle.forEach { close($0) } }
    let response = await Client.exchange(Client.browserRequest("/?code=c&state=the-state", port: port), port: port)
    #expect(status(response) == "HTTP/1.1 200 OK")
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "c", state: "the-state"))
  }

  /// A burst of connections right after the browser's must not close the browser's while its request arrives: the
  /// connections that make room are ones that have sent nothing.
  @Test func aBurstOfConnectionsCannotEvictTheBrowsersRequest() async throws {
    // Eviction is what is under test, not the clock: a slow machine must not close the browser's connection first.
    let listener = try await listener(requestTimeoutSeconds: 600)
    let port = listener.port
    let request = Array(Client.browserRequest("/?code=c&state=the-state", port: port).utf8)
    let browser = try await DedicatedThread.run { Client.connect(port: port) }.get()
    defer { close(browser) }
    let split = 20
    Client.sendAll(browser, request[..<split])
    let burst = await DedicatedThread.run { (0..<100).compactMap { _ in try? Client.connect(port: port).get() } }
    defer { burst.forEach { close($0) } }
    let response = await DedicatedThread.run { () -> String in
      Client.sendAll(browser, request[split...])
      return String(decoding: Client.readToEnd(browser), as: UTF8.self)
    }
    #expect(status(response) == "HTTP/1.1 200 OK")
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "c", state: "the-state"))
  }

  /// A connection that sends nothing (or too little) is closed unanswered once its time is up, so idle or trickling
  /// connections cannot hold the listener's slots for ever.
  @Test func aConnectionThatSendsNoRequestInTimeIsClosed() async throws {
    let listener = try await listener(requestTimeoutSeconds: 0.2)
    let port = listener.port
    let idle = try await DedicatedThread.run { Client.connect(port: port) }.get()
    defer { close(idle) }
    let trickling = try await DedicatedThread.run { Client.connect(port: port) }.get()
    defer { close(trickling) }
    Client.sendAll(trickling, Array("GET /?code=c&state=the-state HTTP/1.1\r\n".utf8))
    #expect(await DedicatedThread.run { Client.readToEnd(idle) }.isEmpty, "closed, unanswered")
    #expect(await DedicatedThread.run { Client.readToEnd(trickling) }.isEmpty, "closed, unanswered")
    #expect(await !Client.isRefused(port: port), "still listening")
    listener.close()
  }
}

/// An address pasted from a browser on another machine, in place of the redirect the listener never gets.
extension LoopbackListenerTests {
  @Test func aPastedRedirectCompletesTheFlowWithoutAConnectionAndClosesTheListener() async throws {
    let listener = try await listener()
    let port = listener.port
    try listener.acceptPastedRedirect("http://localhost:\(port)/?code=pasted&state=the-state")
    #expect(try await bounded(listener) { try await listener.callback() } == .code(code: "pasted", state: "the-state"))
    #expect(await Client.isRefused(port: port), "closed")
    #expect(throws: RedirectPasteRefusal.alreadyAnswered, "a code is used once") {
      try listener.acceptPastedRedirect("http://localhost:\(port)/?code=pasted&state=the-state")
    }
  }

  /// A wrong state, an error redirect and a wrong address change nothing: the listener still waits for the redirect.
  @Test func aRefusedPasteLeavesTheListenerWaiting() async throws {
    let listener = try await listener()
    let port = listener.port
    #expect(throws: RedirectPasteRefusal.stateMismatch) {
      try listener.acceptPastedRedirect("http://localhost:\(port)/?code=forged&state=another-state")
    }
    #expect(throws: RedirectPasteRefusal.authorizationError(error: "access_denied", description: nil)) {
      try listener.acceptPastedRedirect("http://localhost:\(port)/?error=access_denied&state=the-state")
    }
    #expect(throws: RedirectPasteRefusal.notTheRedirect(reason: "its port is not \(port), where this login listens")) {
      try listener.acceptPastedRedirect("http://localhost:\(port &+ 1)/?code=c&state=the-state")
    }
    try await expectStillWaiting(listener)
  }

  /// The redirect came first: a paste of the same address afterwards is refused, its code never delivered.
  @Test func thePasteAfterTheRedirectIsRefused() async throws {
    let listener = try await listener()
    let port = listener.port
    let page = await Client.exchange(Client.browserRequest("/?code=redirected&state=the-state", port: port), port: port)
    #expect(status(page) == "HTTP/1.1 200 OK")
    #expect(throws: RedirectPasteRefusal.alreadyAnswered) {
      try listener.acceptPastedRedirect("http://localhost:\(port)/?code=pasted&state=the-state")
    }
    let delivered = try await bounded(listener) { try await listener.callback() }
    #expect(delivered == .code(code: "redirected", state: "the-state"))
  }
}
