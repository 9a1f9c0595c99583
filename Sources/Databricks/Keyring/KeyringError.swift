/// Why a keyring operation did not complete. Never carries a secret: the texts come from the tools' stderr and
/// from brickauth, and the tools do not print secrets there.
package enum KeyringError: Error, Equatable, Sendable {
  /// There is no keyring to talk to: the tool is not installed, there is no D-Bus session, no Secret Service.
  case unavailable(reason: String)
  /// The keyring did not answer within the time limit (the CLI's `TimeoutError`): locked and waiting for a password
  /// prompt nobody sees, or hung.
  case timedOut(operation: String)
  /// The keyring answered with an error.
  case failed(reason: String)

  /// The text the CLI would show, e.g. `keyring get timed out`.
  package var message: String {
    switch self {
    case .unavailable(let reason), .failed(let reason): reason
    case .timedOut(let operation): "keyring \(operation) timed out"
    }
  }
}
