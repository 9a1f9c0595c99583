/// Why a token deserves an admin's attention; the wire names are the raw values.
package enum TokenAuditReason: String, Sendable, CaseIterable, Comparable {
  /// It never expires.
  case noExpiry = "no_expiry"
  /// It was created to live longer than the audit's maximum lifetime.
  case lifetimeOverMax = "lifetime_over_max"
  /// It expires soon (and has not yet).
  case expiringSoon = "expiring_soon"
  case expired
  /// Not used for a while: Databricks revokes a token nobody used for 90 days.
  case idle
  /// Never used, and old enough that it should have been.
  case neverUsed = "never_used"

  /// The reasons that need the day of last use, which only the Token Management list (every user's tokens) gives.
  package var needsLastUse: Bool {
    self == .idle || self == .neverUsed
  }

  package static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
  }
}
