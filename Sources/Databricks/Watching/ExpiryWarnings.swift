package import Foundation

/// The schedule of `expiringSoon` warnings: tokens nothing can renew, keyed by profile and expiry, each warned about
/// once, ``lead`` before it ends.
///
/// A pure value: whoever learns of such a token (the credential manager when it hands one out, a watcher that reads
/// one from the token store) feeds it with ``track(profile:expiresAt:)``, and the owner sleeps until
/// ``nextWarning`` and collects ``due(at:)``.
package struct ExpiryWarnings: Sendable {
  /// How long before the end a warning is due: the margin in which brickauth itself stops using an OAuth token.
  package static let lead: TimeInterval = 300

  /// The expiry to warn about, per profile.
  private var pending: [ProfileName.Key: (name: String, expiresAt: Date)] = [:]
  /// The expiry already warned about, per profile: the same token is never warned about twice.
  private var warned: [ProfileName.Key: Date] = [:]

  package init() {}

  /// Records that `profile`'s token cannot be renewed and ends at `expiresAt`. A newer token (another expiry)
  /// replaces the one pending; one already warned about changes nothing.
  package mutating func track(profile: String, expiresAt: Date) {
    let key = ProfileName.Key(profile)
    guard warned[key] != expiresAt else { return }
    pending[key] = (profile, expiresAt)
  }

  /// Stops tracking `profile` (its token is gone, or can now be renewed).
  package mutating func forget(profile: String) {
    pending[ProfileName.Key(profile)] = nil
  }

  /// When the next warning is due; `nil` when none is pending.
  package var nextWarning: Date? {
    pending.values.map { $0.expiresAt.addingTimeInterval(-Self.lead) }.min()
  }

  /// The warnings due at `now`, each returned once, in the order of their expiry.
  package mutating func due(at now: Date) -> [(profile: String, expiresAt: Date)] {
    let due = pending.filter { $0.value.expiresAt.addingTimeInterval(-Self.lead) <= now }
    for (key, token) in due {
      pending[key] = nil
      warned[key] = token.expiresAt
    }
    return due.values.sorted { $0.expiresAt < $1.expiresAt }.map { ($0.name, $0.expiresAt) }
  }

}
