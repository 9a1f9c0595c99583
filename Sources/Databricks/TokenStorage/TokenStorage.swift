/// A resolved token storage mode and where it came from, with the CLI's fallback rules for an unreachable keyring
/// (`libs/auth/storage/cache.go`). Pure: the caller probes the keyring and performs the plan.
package struct TokenStorage: Sendable, Equatable {
  package var mode: TokenStorageMode
  package var source: TokenStorageSource

  package init(mode: TokenStorageMode, source: TokenStorageSource) {
    self.mode = mode
    self.source = source
  }

  /// What `auth describe` reports as the location (`describeProfile`'s `tokenStorage.location`).
  ///
  /// The CLI prints the literal `~/.databricks/token-cache.json` for plaintext; we report the actual path, which is
  /// the same file unless `HOME` points elsewhere (tests, `--sandbox`), where the literal would mislead.
  package func location(tokenCachePath: String) -> String {
    switch mode {
    case .plaintext: tokenCachePath
    case .secure: "OS keyring (service: \(TokenStorageMode.keyringService))"
    }
  }

  /// The backend for reading a token (`getToken`, `listProfiles`, refresh), the CLI's `applyReadFallback`.
  ///
  /// Only a default `secure` falls back: when the keyring is definitively unreachable, read the file, so users who
  /// logged in before the keyring became the default are not stranded. Nothing is persisted on this path. An
  /// explicit `secure` stays on the keyring whatever the probe says, so the lookup's own error (wrapped with
  /// ``TokenStorageError/keyringUnreachable(reason:)``) tells the user what is wrong. A timeout stays on the keyring.
  /// No probe is needed for `plaintext` or an explicit `secure`: pass `.reachable`.
  package func planForReading(keyring: KeyringAvailability) -> TokenStoragePlan {
    switch (mode, keyring) {
    case (.plaintext, _): .file(persistPlaintext: false)
    case (.secure, .unreachable) where !source.isExplicit: .file(persistPlaintext: false)
    case (.secure, _): .keyring(pinSecure: false)
    }
  }

  /// The backend for storing the tokens of a login, the CLI's `applyLoginFallback` plus `PinSecureMode`.
  ///
  /// - default `secure`, keyring unreachable: fall back to the file and persist `auth_storage = plaintext`;
  /// - explicit `secure`, keyring unreachable: an error, never a silent downgrade to plaintext;
  /// - `secure` and the probe timed out: stay on the keyring (a misdiagnosis fails the final store instead);
  /// - default `secure`, keyring reachable: the keyring, and pin `auth_storage = secure` once the login succeeds.
  /// - Throws: ``TokenStorageError/secureStorageUnreachable(reason:)``.
  package func planForLogin(keyring: KeyringAvailability) throws(TokenStorageError) -> TokenStoragePlan {
    switch (mode, keyring) {
    case (.plaintext, _):
      return .file(persistPlaintext: false)
    case (.secure, .unreachable(let reason)):
      guard !source.isExplicit else { throw .secureStorageUnreachable(reason: reason) }
      return .file(persistPlaintext: true)
    case (.secure, .timedOut), (.secure, .reachable):
      return .keyring(pinSecure: !source.isExplicit)
    }
  }
}
