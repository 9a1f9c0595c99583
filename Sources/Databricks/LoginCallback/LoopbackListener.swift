import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Receives the OAuth redirect on `http://localhost:<port>` for one login, as the Databricks CLI does.
///
/// It binds the first port of the range that is free on the loopback interface (8020…8040 by default, the CLI's
/// range: the authorization server refuses redirect URIs not registered for `databricks-cli`, so a random port would
/// fail), on 127.0.0.1 and, when the machine has IPv6, on ::1 too. Never on another interface: the redirect carries
/// an authorization code. A port whose ::1 side another program holds is skipped, because a browser that tries
/// `localhost` on ::1 first would hand the code to that program.
///
/// A dedicated thread (not the cooperative pool) serves every connection: probes, `/favicon.ico` and anything else
/// get a 404 and the listener keeps waiting; the redirect gets a small self-contained page (success, or the error)
/// and ends the flow. The listener then closes its sockets and delivers the outcome to ``callback()``.
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

  /// The port bound on the loopback interface.
  package let port: UInt16
  /// Whether ::1 is bound as well as 127.0.0.1 (the machine has IPv6 loopback).
  package let servesIPv6: Bool
  private let wakePipe: WakePipe
  private let mailbox = CallbackMailbox()

  /// Binds and starts serving at once.
  ///
  /// - Parameters:
  ///   - ports: tried in order; the first one free on the loopback interface is used (0 is skipped: the redirect
  ///     URI needs a port known in advance).
  ///   - expectedState: when given, a redirect with another `state` gets the error page and ``callback()`` throws
  ///     ``LoopbackListenerError/stateMismatch``. Without it the caller must compare ``CallbackResult/state``.
  ///   - applicationName: the pages say "return to `applicationName`".
  ///   - expectedPath: the redirect URI's path; `/` for `http://localhost:<port>`.
  /// - Throws: ``LoopbackListenerError/noPortAvailable(ports:)`` or ``LoopbackListenerError/socketFailed(call:reason:)``.
  package init(
    ports: ClosedRange<UInt16> = defaultPorts,
    expectedState: String? = nil,
    applicationName: String = "brickauth",
    expectedPath: String = "/"
  ) throws(LoopbackListenerError) {
    let wakePipe = try WakePipe()
    let (listeners, port) = try Self.bindFirstFreePort(in: ports)
    self.wakePipe = wakePipe
    self.port = port
    self.servesIPv6 = listeners.count > 1
    let mailbox = mailbox
    let thread = Thread {
      var loop = CallbackServerLoop(
        listeners: listeners,
        wakeFD: wakePipe.readEnd,
        expectedPath: expectedPath,
        expectedState: expectedState,
        applicationName: applicationName
      )
      let outcome = loop.run()
      Task { await mailbox.deliver(outcome) }
    }
    thread.name = "brickauth.login.callback"
    thread.start()
  }

  deinit {
    wakePipe.signal()
  }

  /// `http://localhost:<port>`, exactly as the CLI sends it: the authorization server compares it verbatim with
  /// the URIs registered for the client.
  package var redirectURI: String { "http://localhost:\(port)" }

  /// Waits for the redirect; the listener is closed by the time this returns or throws.
  ///
  /// A redirect with `error` is a result, not a throw: the caller words the failure. Calling it again returns the
  /// same outcome.
  ///
  /// - Throws: `CancellationError` when the awaiting task is cancelled (which closes the listener at once),
  ///   ``LoopbackListenerError/closed`` after ``close()``, ``LoopbackListenerError/stateMismatch``, or
  ///   ``LoopbackListenerError/invalidCallback(reason:)``.
  package func callback() async throws -> CallbackResult {
    let outcome = await withTaskCancellationHandler {
      await mailbox.wait()
    } onCancel: { [wakePipe] in
      wakePipe.signal()
    }
    try Task.checkCancellation()
    return try outcome.get()
  }

  /// Stops listening and closes every connection; a waiting ``callback()`` throws ``LoopbackListenerError/closed``.
  ///
  /// Safe from any thread and idempotent. It returns before the sockets are closed (the listener's thread closes
  /// them a moment later); await ``callback()`` to know they are.
  package func close() {
    wakePipe.signal()
  }

  /// Tries each port: a port is free when 127.0.0.1 binds and ::1 binds too or does not exist on this machine.
  private static func bindFirstFreePort(
    in ports: ClosedRange<UInt16>
  ) throws(LoopbackListenerError) -> (listeners: [Int32], port: UInt16) {
    for port in ports where port != 0 {
      let ipv4: Int32
      switch CallbackSocket.listen(.ipv4, port: port) {
      case .success(let fd): ipv4 = fd
      case .failure(let failure) where failure.code == EADDRINUSE || failure.code == EACCES: continue
      case .failure(let failure): throw .socketFailed(call: failure.call, reason: failure.reason)
      }
      switch CallbackSocket.listen(.ipv6, port: port) {
      case .success(let ipv6): return ([ipv4, ipv6], port)
      case .failure(let failure) where failure.code == EADDRINUSE || failure.code == EACCES:
        closeDescriptor(ipv4)
        continue
      case .failure:
        // No IPv6 loopback here (EAFNOSUPPORT, EADDRNOTAVAIL): browsers fall back to 127.0.0.1.
        return ([ipv4], port)
      }
    }
    throw .noPortAvailable(ports: ports)
  }

  /// `close(2)`, which a plain `close` here would not reach past ``close()``.
  private static func closeDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
      _ = Glibc.close(fd)
    #else
      _ = Darwin.close(fd)
    #endif
  }
}
