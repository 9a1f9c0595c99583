/// Which backend to use for one operation, after the keyring probe (see ``TokenStorage``).
package enum TokenStoragePlan: Sendable, Equatable {
  /// Use the OS keyring (profile key only, never a host-key mirror). `pinSecure`: after the login succeeds, write
  /// `auth_storage = secure` into `[__settings__]` (the CLI's `PinSecureMode`; only on the default-secure path).
  case keyring(pinSecure: Bool)
  /// Use `~/.databricks/token-cache.json` (with the host-key mirror on writes). `persistPlaintext`: write
  /// `auth_storage = plaintext` into `[__settings__]` so later commands skip the keyring probe (the CLI's
  /// `persistPlaintextFallback`, best-effort; only on the login path).
  case file(persistPlaintext: Bool)
}
