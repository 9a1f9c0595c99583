/// Why the token storage mode cannot be used, with the CLI's own messages (tools and people grep for them).
package enum TokenStorageError: Error, Equatable, Sendable {
  /// `DATABRICKS_AUTH_STORAGE` or `auth_storage` holds something other than `plaintext` or `secure`. `source` is
  /// the variable or key name, `value` the raw text as found.
  case unknownMode(source: String, value: String)
  /// A login asked explicitly for `secure`, and the keyring cannot be reached.
  case secureStorageUnreachable(reason: String)
  /// Reading a token from the keyring failed for a reason other than "not found".
  case keyringUnreachable(reason: String)

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
    }
  }
}
