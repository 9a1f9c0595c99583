import Basics
import LoopbackHTTP

/// Receives the OAuth redirect on `http://localhost:<port>` for one login, as the Databricks CLI does.
///
/// It binds the first port of the range that is free on the loopback interface (8020…8040 by default, the CLI's
/// range: the authorization server refuses redirect URIs not registered for `databricks-cli`, so a random port would
/// fail), on 127.0.0.1 and, when the machine has IPv6, on ::1 too. Never on another interface: the redirect carries
/// an authorization code. A port whose ::1 side another program holds is skipped, because a browser that tries
/// `localhost` on ::1 first would hand the code to that program.
///
/// A ``LoopbackHTTPServer`` serves it, one answer per connection, at most 32 connections (beyond that the oldest idle
/// one is closed, never one whose request is arriving, so neither a browser's speculative connections nor a burst
/// from another local process can crowd out or cut off the redirect), each given ``defaultRequestTimeoutSeconds`` to
/// deliver its request (a browser sends it at once; only idle or trickling connections take longer), heads
/// up to 64 KiB (the request line carries the authorization code, and browsers send every `localhost` cookie, shared
/// by all ports, with it). Probes, `/favicon.ico` and anything else get a 404 and the listener keeps waiting.
/// Any local process can connect, so only the redirect that carries this flow's state, under the redirect URI's
/// `Host`, ends the flow: a wrong or missing state, or another `Host`, gets a 400 page and the listener keeps
/// waiting. The redirect gets a small self-contained page (success, or the error); the listener then closes its
/// sockets and delivers the outcome to ``callback()``.
///
/// It also closes when ``close()`` is called (from any thread, any number of times), when the task awaiting
/// ``callback()`` is cancelled, or when the listener is released. The caller races its own timeout against
/// ``callback()`` and calls ``close()`` (or cancels) when it wins.
///
/// ```swift
/// let listener = try LoopbackListener(expectedState: state)
/// let url = authorizeURL(redirectURI: listener.redirectURI, state: state)  // then open the browser
/// switch try await listener.callback() {
/// case .code(let code, _): exchange(code)
/// case .error(let error, let description, _): fail(error, description)
/// }
/// ```
package final class LoopbackListener: Sendable {
  /// The Databricks CLI's callback ports.
  package static let defaultPorts: ClosedRange<UInt16> = 8020...8040
  /// How long a connection may take to deliver its request before it is closed unanswered.
  package static let defaultRequestTimeoutSeconds = 10.0

  private let server: LoopbackHTTPServer
  /// The redirect's outcome, once one came (to the listener, or pasted); the first one is kept.
  private let outcome: Locked<Result<CallbackResult, LoopbackListenerError>?>
  private let expectedState: String?
  private let expectedPath: String

  /// Binds and starts serving at once.
  ///
  /// - Parameters:
  ///   - ports: tried in order; the first one free on the loopback interface is used (0 is skipped: the redirect
  ///     URI needs a port known in advance).
  ///   - expectedState: when given, a redirect with another `state` (or none) gets an error page and is ignored.
  ///     Without it the first redirect ends the flow, and the caller must compare ``CallbackResult/state``.
  ///   - applicationName: the pages say "return to `applicationName`".
  ///   - expectedPath: the redirect URI's path; `/` for `http://localhost:<port>`.
  ///   - requestTimeoutSeconds: how long a connection may take to deliver its request, from its accept.
  /// - Throws: ``LoopbackListenerError/noPortAvailable(ports:)`` or ``LoopbackListenerError/socketFailed(call:reason:)``.
  package init(
    ports: ClosedRange<UInt16> = defaultPorts,
    expectedState: String? = nil,
    applicationName: String = "brickauth",
    expectedPath: String = "/",
    requestTimeoutSeconds: Double = defaultRequestTimeoutSeconds
  ) throws(LoopbackListenerError) {
    let outcome = Locked<Result<CallbackResult, LoopbackListenerError>?>(nil)
    // Known once the port is bound; a request before that cannot be the redirect, whose URL names the port.
    let expectedHost = Locked("")
    do {
      server = try LoopbackHTTPServer(
        port: .firstFree(ports),
        maxConnections: 32,
        limits: HTTPLimits(maxHeadBytes: 64 * 1024),
        keepsConnectionsAlive: false,
        requestTimeoutSeconds: requestTimeoutSeconds,
        failureResponse: { CallbackReply(refusing: $0).response }
      ) { request in
        let reply = CallbackReply(
          for: CallbackRequest(request, expectedHost: expectedHost.withLock { $0 }, expectedPath: expectedPath),
          expectedState: expectedState,
          applicationName: applicationName
        )
        guard case .finish(let result) = reply.outcome else { return HTTPReply(.respond(reply.response)) }
        // The first answer wins; one arriving after another (a pasted address) is refused, its code unused.
        guard LoopbackListener.deliver(result, to: outcome) else {
          return HTTPReply(.respond(CallbackReply.alreadyAnswered(applicationName: applicationName).response))
        }
        // Whether the browser reads the page or not, the redirect it made is what it is: a code is still valid.
        return HTTPReply(.respond(reply.response), stopsServer: true)
      }
    } catch {
      switch error {
      case .noPortAvailable(let ports): throw .noPortAvailable(ports: ports)
      case .socketFailed(let call, let reason): throw .socketFailed(call: call, reason: reason)
      }
    }
    self.outcome = outcome
    self.expectedState = expectedState
    self.expectedPath = expectedPath
    expectedHost.withLock { [port = server.port] in $0 = "localhost:\(port)" }
  }

  deinit {
    server.requestStop()
  }

  /// The port bound on the loopback interface.
  package var port: UInt16 { server.port }
  /// Whether ::1 is bound as well as 127.0.0.1 (the machine has IPv6 loopback).
  package var servesIPv6: Bool { server.servesIPv6 }

  /// `http://localhost:<port>`, exactly as the CLI sends it: the authorization server compares it verbatim with
  /// the URIs registered for the client.
  package var redirectURI: String { "http://localhost:\(port)" }

  /// Waits for the redirect; the listener is closed by the time this returns or throws.
  ///
  /// A redirect with `error` is a result, not a throw: the caller words the failure. Calling it again returns the
  /// same outcome.
  ///
  /// - Throws: `CancellationError` when the awaiting task is cancelled (which closes the listener at once),
  ///   ``LoopbackListenerError/closed`` after ``close()``, or ``LoopbackListenerError/invalidCallback(reason:)`` for a
  ///   malformed redirect that carries the expected state (or any, without one).
  package func callback() async throws -> CallbackResult {
    await withTaskCancellationHandler {
      await server.waitUntilStopped()
    } onCancel: { [server] in
      server.requestStop()
    }
    try Task.checkCancellation()
    return try (outcome.withLock { $0 } ?? .failure(.closed)).get()
  }

  /// Completes the flow from the address the browser ended on, pasted by the user because that browser runs on
  /// another machine and never reached this listener (see ``PastedRedirect``): an authorization code carrying this
  /// flow's state is delivered as if it had arrived here, and the listener closes. The first answer wins, whether the
  /// listener's or a paste: a later one is refused and its code never used.
  ///
  /// Anything else is refused and changes nothing (the listener keeps waiting): not the redirect, another state, and
  /// an error redirect (`access_denied`), since the user may still consent in that browser.
  ///
  /// - Throws: ``RedirectPasteRefusal``; never with a code, a state or the address in it.
  package func acceptPastedRedirect(_ address: String) throws(RedirectPasteRefusal) {
    let result = try PastedRedirect(address, port: port, expectedPath: expectedPath).result
    guard let expectedState, ConstantTimeEquality.equal(result.state, expectedState) else { throw .stateMismatch }
    if case .error(let error, let description, _) = result {
      throw .authorizationError(error: error, description: description)
    }
    guard Self.deliver(.success(result), to: outcome) else { throw .alreadyAnswered }
    server.requestStop()
  }

  /// Records `result` unless an answer is already there; whether it was recorded.
  private static func deliver(
    _ result: Result<CallbackResult, LoopbackListenerError>,
    to outcome: Locked<Result<CallbackResult, LoopbackListenerError>?>
  ) -> Bool {
    outcome.withLock { current in
      guard current == nil else { return false }
      current = result
      return true
    }
  }

  /// Stops listening and closes every connection; a waiting ``callback()`` throws ``LoopbackListenerError/closed``.
  ///
  /// Safe from any thread and idempotent. It returns before the sockets are closed (the server's threads close
  /// them a moment later); await ``callback()`` to know they are.
  package func close() {
    server.requestStop()
  }
}
