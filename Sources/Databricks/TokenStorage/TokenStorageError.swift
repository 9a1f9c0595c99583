/// Why the token storage mode cannot be used, with the CLI's own messages (tools and people grep for them).
package enum TokenStorageError: Error, Equatable, Sendable {
  /// `DATABRICKS_AUTH_STORAGE` or `auth_storage` holds something other than `plaintext` or `secure`. `source` is
  /// the variable or key name, `value` the raw text as found.
  case unknownMode(source: String, value: String)
  /// A login asked explicitly for `secure`, and the keyring cannot be reached.
  case secureStorageUnreachable(reason: String)
  /// Reading a token from the keyring failed for a reason other than "not found" (or storing a refreshed one
  /// failed): there is no usable credential until the keyring answers or the user switches to the file.
  case keyringUnreachable(reason: String)
  /// The keyring did not answer within 3 s (locked and waiting for a password prompt, or hung): worth a retry.
  case keyringTimedOut(operation: String)
  /// A login's tokens could not be stored in the keyring after the probe found it reachable.
  case keyringWriteFailed(reason: String)

  /// How a keyring failure reads on the path that met it: a timeout stays a timeout, anything else means the
  /// keyring cannot be used (`write`: while storing a login's tokens).
  package init(_ error: KeyringError, writing: Bool = false) {
    switch error {
    case .timedOut(let operation): self = .keyringTimedOut(operation: operation)
    case .unavailable(let reason), .failed(let reason):
      self = writing ? .keyringWriteFailed(reason: reason) : .keyringUnreachable(reason: reason)
    }
  }

  /// The CLI's message for this error.
  package var message: String {
    switch self {
    case .unknownMode(let source, let value):
      "\(source): unknown storage mode \(GoQuote.quote(value)) (want plaintext or secure)"
    case .secureStorageUnreachable(let reason):
      "secure storage was requested but the OS keyring is not reachable: \(reason)"
    case .keyringUnreachable(let reason):
      "OS keyring unreachable: \(reason) (set \(TokenStorageMode.environmentVariable)=plaintext or run "
        + "`databricks auth login` to use file-based token storage)"
    case .keyringTimedOut(let operation):
      "keyring \(operation) timed out (a locked keyring may be waiting for its password)"
    case .keyringWriteFailed(let reason):
      "storing the tokens in the OS keyring failed: \(reason)"
    }
  }
}
