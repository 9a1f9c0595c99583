package import Foundation

/// What makes a personal access token worth a look, as a pure value: thresholds in days and the instant they are
/// measured from, so every boundary is decided by arithmetic alone.
///
/// Days are whole days of 86,400 seconds. A token's age and idleness count the whole days elapsed; Databricks
/// gives the last use only as the start of a UTC day, so "idle for 60 days" means the day of last use is 60 or
/// more days before today's UTC day. Lifetimes and the expiry window compare exact instants:
///
/// - `no_expiry`: the token never expires;
/// - `lifetime_over_max`: expiry − creation is longer than ``maxLifetimeDays``;
/// - `expired`: the expiry is at or before ``now``;
/// - `expiring_soon`: the expiry is after ``now`` and at most ``expiringWithinDays`` later;
/// - `idle` (when the last use is known): last used ``idleDays`` or more whole days ago;
/// - `never_used` (when the last use is known): no use recorded, and created ``idleDays`` or more whole days ago.
package struct TokenAuditRules: Sendable, Equatable {
  /// Databricks revokes a token that nobody used for this many days.
  package static let idleRevocationDays = 90
  /// Databricks' limit of tokens one user may hold in one workspace.
  package static let tokensPerUserLimit = 600
  package var idleDays: Int
  package var maxLifetimeDays: Int
  package var expiringWithinDays: Int
  package var now: Date

  package init(idleDays: Int = 60, maxLifetimeDays: Int = 90, expiringWithinDays: Int = 7, now: Date) {
    self.idleDays = idleDays
    self.maxLifetimeDays = maxLifetimeDays
    self.expiringWithinDays = expiringWithinDays
    self.now = now
  }

  /// The reasons an audit can raise: all of them when the list carries the day of last use, else those that do not
  /// need it (the Token API's list of one's own tokens has no last use).
  package static func reasonsChecked(lastUseKnown: Bool) -> [TokenAuditReason] {
    TokenAuditReason.allCases.filter { lastUseKnown || !$0.needsLastUse }
  }

  /// The finding for `token`, or `nil` when nothing applies.
  /// - Parameter lastUseKnown: whether the list carries the day of last use; without it, a token with no last use
  ///   is not "never used" but simply not known.
  package func finding(for token: TokenInfo, lastUseKnown: Bool) -> TokenFinding? {
    // Whole milliseconds, as Databricks sends the times, so a boundary is exact rather than a rounding matter.
    let now = Self.milliseconds(now)
    var reasons: [TokenAuditReason] = []
    var daysUntilRevocation: Int?
    if let expiresAt = token.expiresAt.map(Self.milliseconds) {
      if let createdAt = token.createdAt.map(Self.milliseconds),
        expiresAt - createdAt > Self.span(days: maxLifetimeDays)
      {
        reasons.append(.lifetimeOverMax)
      }
      if expiresAt <= now {
        reasons.append(.expired)
      } else if expiresAt - now <= Self.span(days: expiringWithinDays) {
        reasons.append(.expiringSoon)
      }
    } else {
      reasons.append(.noExpiry)
    }
    if lastUseKnown {
      if let lastUsed = token.lastUsedDay.map(Self.milliseconds) {
        let idle = Self.wholeDays(from: lastUsed, to: now)
        if idle >= Int64(idleDays) {
          reasons.append(.idle)
          daysUntilRevocation = Int(max(0, Int64(Self.idleRevocationDays) - idle))
        }
      } else if let createdAt = token.createdAt.map(Self.milliseconds),
        Self.wholeDays(from: createdAt, to: now) >= Int64(idleDays)
      {
        reasons.append(.neverUsed)
      }
    }
    guard !reasons.isEmpty else { return nil }
    // Already in the order of `TokenAuditReason.allCases`: each check above appends after those that come before it.
    return TokenFinding(token: token, reasons: reasons, daysUntilIdleRevocation: daysUntilRevocation)
  }

  static let dayMilliseconds: Int64 = 86_400_000

  /// Whole days from `start` to `end` (negative when `end` is earlier), rounded toward the past.
  static func wholeDays(from start: Int64, to end: Int64) -> Int64 {
    let span = end - start
    return span >= 0 ? span / dayMilliseconds : -((-span + dayMilliseconds - 1) / dayMilliseconds)
  }

  /// `days` in milliseconds, at most a few million years (the times compared are clamped far below that).
  static func span(days: Int) -> Int64 {
    let (product, overflow) = Int64(clamping: days).multipliedReportingOverflow(by: dayMilliseconds)
    return overflow ? (days < 0 ? Int64.min / 2 : Int64.max / 2) : product
  }

  /// `date` in whole epoch milliseconds (a date decoded from milliseconds comes back exactly), kept within ±9e15 so
  /// differences of two never overflow.
  ///
  /// The clamp alone makes the conversion safe (a NaN clamps to the upper bound), so the plain `Int64` conversion
  /// is used: this runs three times per token of a 50,000-token audit, and the generic saturating one costs several
  /// times as much.
  static func milliseconds(_ date: Date) -> Int64 {
    Int64(max(-9e15, min(9e15, (date.timeIntervalSince1970 * 1000).rounded())))
  }
}
