/// The OS keyring as the Databricks CLI uses it (go-keyring): one secret per account under one service.
///
/// Implementations reach the keyring through the platform's own tools (``SecretTool`` on Linux, ``SecurityTool`` on
/// macOS) rather than a library, and every call ends within ``CommandLineKeyring/timeoutSeconds``.
package protocol Keyring: Sendable {
  /// The secret stored for `account`, or `nil` when there is none.
  func secret(service: String, account: String) async throws(KeyringError) -> String?
  /// Stores `secret` for `account`, replacing what was there.
  func setSecret(_ secret: String, service: String, account: String) async throws(KeyringError)
  /// Removes the secret for `account`; `false` when there was none.
  func deleteSecret(service: String, account: String) async throws(KeyringError) -> Bool
}

/// A keyring that is never there: what brickauth sees on a machine without one, and what the tests use unless
/// they start a Secret Service of their own (so a test never touches the developer's real keyring).
package struct AbsentKeyring: Keyring {
  package var reason: String

  package init(reason: String) {
    self.reason = reason
  }

  package func secret(service: String, account: String) async throws(KeyringError) -> String? {
    throw .unavailable(reason: reason)
  }

  package func setSecret(_ secret: String, service: String, account: String) async throws(KeyringError) {
    throw .unavailable(reason: reason)
  }

  package func deleteSecret(service: String, account: String) async throws(KeyringError) -> Bool {
    throw .unavailable(reason: reason)
  }
}
