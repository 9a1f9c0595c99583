import Foundation

/// Where the CLI keeps OAuth tokens: the OS keyring (`secure`, the default since CLI v1.0.0) or
/// `~/.databricks/token-cache.json` (`plaintext`). Mirrors `libs/auth/storage/mode.go`.
package enum TokenStorageMode: String, Sendable, Equatable, CaseIterable {
  case plaintext
  case secure

  /// The environment variable that selects the mode.
  package static let environmentVariable = "DATABRICKS_AUTH_STORAGE"
  /// The `[__settings__]` key that selects the mode.
  package static let settingsKey = "auth_storage"
  /// The keyring service name the CLI stores tokens under (the account is the profile's cache key).
  package static let keyringService = "databricks-cli"

  /// The CLI's `ParseMode`: surrounding whitespace is ignored and case does not matter; anything else is `nil`
  /// (the legacy mode `legacy` is no longer accepted by the CLI, so it is not here either).
  package init?(parsing raw: String) {
    self.init(rawValue: raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
  }

  /// Resolves the mode as `ResolveStorageModeWithSource` does: `override` (a command-level choice), then
  /// `DATABRICKS_AUTH_STORAGE`, then `[__settings__] auth_storage` (pass ``ConfigFile/settings``, empty when there
  /// is no config file), then `secure`.
  ///
  /// The first source that is set decides, even when its value is invalid: an unknown value is an error naming the
  /// source, never a fall-through to the next one. "Set" means a non-empty value, exactly as in the CLI, so an
  /// environment variable of only spaces is an invalid value rather than an absent one (INI values arrive trimmed,
  /// so a blank `auth_storage =` is absent).
  ///
  /// The CLI reads the config file only when neither the override nor the environment decided, and fails with
  /// `read auth_storage setting: ...` when it cannot parse it. A caller whose config file is broken can reproduce
  /// that by passing `[:]` here when the environment is set, and reporting the config error otherwise.
  package static func resolve(
    override: TokenStorageMode? = nil,
    environment: [String: String],
    settings: [String: String]
  ) throws(TokenStorageError) -> TokenStorage {
    if let override { return TokenStorage(mode: override, source: .override) }
    if let raw = environment[environmentVariable], !raw.isEmpty {
      return TokenStorage(mode: try parse(raw, source: environmentVariable), source: .env)
    }
    if let raw = settings[settingsKey], !raw.isEmpty {
      return TokenStorage(mode: try parse(raw, source: settingsKey), source: .config)
    }
    return TokenStorage(mode: .secure, source: .default)
  }

  private static func parse(_ raw: String, source: String) throws(TokenStorageError) -> TokenStorageMode {
    guard let mode = TokenStorageMode(parsing: raw) else { throw .unknownMode(source: source, value: raw) }
    return mode
  }

  /// Records this mode as `[__settings__] auth_storage` in the config file at `configPath`, as the CLI's
  /// `SetConfiguredAuthStorage` does: after a default-secure login fell back to the file (``TokenStoragePlan``'s
  /// `persistPlaintext`), so later commands skip the keyring probe, or after a default-secure login succeeded
  /// (`pinSecure`), so a later transient keyring failure is an error instead of a silent downgrade.
  ///
  /// Only that one key changes (``ConfigEditor``). The CLI treats a failure here as best-effort (logged, login
  /// still succeeds); callers should do the same.
  package func persist(inConfig configPath: String) async throws {
    try await ConfigEditor.edit(configPath) { document throws(INIEditError) in
      try document.set(Self.settingsKey, to: rawValue, in: ConfigFile.settingsSection)
    }
  }
}
