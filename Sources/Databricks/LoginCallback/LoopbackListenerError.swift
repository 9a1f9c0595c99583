/// Why ``LoopbackListener`` could not deliver an authorization response.
///
/// None of the messages carries a code or a state: they reach logs and JSON-RPC errors.
package enum LoopbackListenerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Every port of the range was taken on the loopback interface (the CLI's "no port available to listen on").
  case noPortAvailable(ports: ClosedRange<UInt16>)
  /// A socket call failed: setting up the listener, or waiting on its sockets.
  case socketFailed(call: String, reason: String)
  /// The redirect's `state` differs from ``LoopbackListener``'s `expectedState`: it answers another attempt, or a
  /// forged request. The listener answers such a request with a page saying so and keeps waiting.
  case stateMismatch
  /// A redirect to the listener that cannot be a correct answer (see ``CallbackRequest/invalidCallback(reason:)``).
  case invalidCallback(reason: String)
  /// ``LoopbackListener/close()`` ended the listener before a redirect arrived.
  case closed

  package var description: String {
    switch self {
    case .noPortAvailable(let ports):
      "no port available to listen on (tried 127.0.0.1 ports \(ports.lowerBound)-\(ports.upperBound))"
    case .socketFailed(let call, let reason): "could not listen for the login redirect: \(call) failed: \(reason)"
    case .stateMismatch: "state mismatch in 3-legged-OAuth flow: the redirect does not belong to this login"
    case .invalidCallback(let reason): "invalid login redirect: \(reason)"
    case .closed: "the login redirect listener was closed"
    }
  }
}
