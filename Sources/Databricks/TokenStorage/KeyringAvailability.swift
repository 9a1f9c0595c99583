/// What probing the OS keyring found (the CLI's `ProbeKeyring` / `ProbeKeyringRead`, 3 s timeout).
package enum KeyringAvailability: Sendable, Equatable {
  case reachable
  /// The probe did not answer in time. Ambiguous (a locked keyring waiting for the user, or a hung one), so the CLI
  /// stays on the keyring rather than downgrading.
  case timedOut
  /// The probe failed outright: no Secret Service, no D-Bus session, a headless container. `reason` is the
  /// system's error text (it never contains a token).
  case unreachable(reason: String)
}
