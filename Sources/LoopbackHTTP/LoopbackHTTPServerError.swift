/// Why a ``LoopbackHTTPServer`` could not start.
package enum LoopbackHTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Every port asked for was taken on the loopback interface.
  case noPortAvailable(ports: ClosedRange<UInt16>)
  /// A socket call failed while setting up the listener.
  case socketFailed(call: String, reason: String)

  package var description: String {
    switch self {
    case .noPortAvailable(let ports):
      "no port available to listen on (tried 127.0.0.1 ports \(ports.lowerBound)-\(ports.upperBound))"
    case .socketFailed(let call, let reason): "\(call) failed: \(reason)"
    }
  }
}
