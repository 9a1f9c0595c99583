/// Which precedence level chose the token storage mode (the CLI's `StorageSource`).
package enum TokenStorageSource: String, Sendable, Equatable {
  /// A command-level choice (the CLI has no flag for it yet; we may have a method parameter).
  case override
  /// `DATABRICKS_AUTH_STORAGE`.
  case env
  /// `[__settings__] auth_storage` in the config file.
  case config
  /// Nothing was set: `secure`.
  case `default`

  /// Whether the user chose the mode. An explicit `secure` is honoured strictly: when the keyring cannot be
  /// reached the CLI fails instead of silently writing tokens to a plaintext file.
  package var isExplicit: Bool { self != .default }
}
