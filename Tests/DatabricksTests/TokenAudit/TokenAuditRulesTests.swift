import Databricks
import Foundation
import Testing

/// Every rule of the audit at and around its boundary, by arithmetic alone.
@Suite struct TokenAuditRulesTests {
  /// 2026-06-15T12:34:56.789Z: mid-day, with milliseconds, so day arithmetic cannot lean on midnight.
  static let now = Date(timeIntervalSince1970: 1_781_526_896.789)
  static let day: TimeInterval = 86_400
  static let ms: TimeInterval = 0.001
  static let rules = TokenAuditRules(idleDays: 60, maxLifetimeDays: 90, expiringWithinDays: 7, now: now)

  static func token(created: TimeInterval? = -10 * day, expires: TimeInterval?, lastUsed: Date? = nil) -> TokenInfo {
    TokenInfo(
      tokenId: "t",
      createdAt: created.map { now.addingTimeInterval($0) },
      expiresAt: expires.map { now.addingTimeInterval($0) },
      lastUsedDay: lastUsed
    )
  }

  static func reasons(_ token: TokenInfo, lastUseKnown: Bool = true) -> [TokenAuditReason] {
    rules.finding(for: token, lastUseKnown: lastUseKnown)?.reasons ?? []
  }

  /// The start of the UTC day `days` before today's.
  static func dayStart(daysAgo days: Int) -> Date {
    let today = (now.timeIntervalSince1970 / day).rounded(.down) * day
    return Date(timeIntervalSince1970: today - Double(days) * day)
  }

  @Test func aTokenThatNeverExpiresIsNoExpiryAndNothingElse() {
    #expect(Self.reasons(Self.token(expires: nil, lastUsed: Self.dayStart(daysAgo: 0))) == [.noExpiry])
  }

  @Test func aTokenWithinEveryRuleIsNoFinding() {
    let token = Self.token(created: -10 * Self.day, expires: 30 * Self.day, lastUsed: Self.dayStart(daysAgo: 1))
    #expect(Self.rules.finding(for: token, lastUseKnown: true) == nil)
  }

  @Test func lifetimeOverMaxStartsJustAboveTheMaximum() {
    let created = -100 * Self.day
    let atMax = created + 90 * Self.day
    #expect(!Self.reasons(Self.token(created: created, expires: atMax)).contains(.lifetimeOverMax))
    #expect(Self.reasons(Self.token(created: created, expires: atMax + Self.ms)).contains(.lifetimeOverMax))
    #expect(!Self.reasons(Self.token(created: created, expires: atMax - Self.ms)).contains(.lifetimeOverMax))
    // Without a creation time there is no lifetime to judge.
    #expect(!Self.reasons(Self.token(created: nil, expires: 1000 * Self.day)).contains(.lifetimeOverMax))
  }

  @Test func expiredIsAtOrBeforeNowAndExpiringSoonIsTheWindowAfterIt() {
    #expect(Self.reasons(Self.token(expires: 0)) == [.expired])
    #expect(Self.reasons(Self.token(expires: -Self.ms)) == [.expired])
    #expect(Self.reasons(Self.token(expires: Self.ms)) == [.expiringSoon])
    #expect(Self.reasons(Self.token(expires: 7 * Self.day)) == [.expiringSoon])
    #expect(Self.reasons(Self.token(expires: 7 * Self.day + Self.ms)) == [])
  }

  @Test func idleCountsWholeUTCDaysSinceTheDayOfLastUse() throws {
    let atBoundary = try #require(
      Self.rules.finding(
        for: Self.token(expires: 30 * Self.day, lastUsed: Self.dayStart(daysAgo: 60)),
        lastUseKnown: true
      )
    )
    #expect(atBoundary.reasons == [.idle])
    #expect(atBoundary.daysUntilIdleRevocation == 30)
    #expect(Self.reasons(Self.token(expires: 30 * Self.day, lastUsed: Self.dayStart(daysAgo: 59))) == [])
    let long = Self.rules.finding(
      for: Self.token(expires: 30 * Self.day, lastUsed: Self.dayStart(daysAgo: 89)),
      lastUseKnown: true
    )
    #expect(long?.daysUntilIdleRevocation == 1)
    let due = Self.rules.finding(
      for: Self.token(expires: 30 * Self.day, lastUsed: Self.dayStart(daysAgo: 120)),
      lastUseKnown: true
    )
    #expect(due?.daysUntilIdleRevocation == 0)
  }

  @Test func neverUsedNeedsAnAgeOfIdleDaysInWholeDays() {
    let old = Self.token(created: -60 * Self.day, expires: 30 * Self.day)
    #expect(Self.reasons(old) == [.neverUsed])
    #expect(Self.reasons(Self.token(created: -60 * Self.day + Self.ms, expires: 30 * Self.day)) == [])
    #expect(Self.rules.finding(for: old, lastUseKnown: true)?.daysUntilIdleRevocation == nil)
  }

  @Test func withoutTheDayOfLastUseIdleAndNeverUsedAreNotRaised() {
    let old = Self.token(created: -400 * Self.day, expires: nil)
    #expect(Self.reasons(old, lastUseKnown: false) == [.noExpiry])
    #expect(Self.reasons(old, lastUseKnown: true) == [.noExpiry, .neverUsed])
    #expect(
      TokenAuditRules.reasonsChecked(lastUseKnown: false) == [.noExpiry, .lifetimeOverMax, .expiringSoon, .expired]
    )
    #expect(TokenAuditRules.reasonsChecked(lastUseKnown: true) == TokenAuditReason.allCases)
  }

  @Test func reasonsCombineInTheirFixedOrder() {
    let token = Self.token(created: -200 * Self.day, expires: -Self.day, lastUsed: Self.dayStart(daysAgo: 100))
    #expect(Self.reasons(token) == [.lifetimeOverMax, .expired, .idle])
  }

  @Test func absurdThresholdsAndTimesNeitherTrapNorMisfire() {
    let wide = TokenAuditRules(idleDays: Int.max, maxLifetimeDays: Int.max, expiringWithinDays: Int.max, now: Self.now)
    let far = TokenInfo(
      tokenId: "t",
      createdAt: Date(timeIntervalSince1970: -1e15),
      expiresAt: Date(timeIntervalSince1970: 1e15),
      lastUsedDay: Date(timeIntervalSince1970: -1e15)
    )
    // Within "Int.max days", any expiry is soon; nothing overflows into a lifetime or an idleness.
    #expect(wide.finding(for: far, lastUseKnown: true)?.reasons == [.expiringSoon])
    #expect(Self.rules.finding(for: far, lastUseKnown: true)?.reasons == [.lifetimeOverMax, .idle])
  }

  /// The times are converted with a plain (trapping) conversion after a clamp: no `Date` may get past the clamp. A
  /// time without a number counts as the far future.
  @Test func notANumberAndInfiniteTimesNeitherTrap() {
    for (seconds, reasons) in [
      (Double.nan, []), (.infinity, []), (.greatestFiniteMagnitude, []), (-.infinity, [.expired, .idle]),
      (-.greatestFiniteMagnitude, [.expired, .idle]),
    ] as [(Double, [TokenAuditReason])] {
      let odd = Date(timeIntervalSince1970: seconds)
      let token = TokenInfo(tokenId: "t", createdAt: odd, expiresAt: odd, lastUsedDay: odd)
      #expect(Self.reasons(token) == reasons, "\(seconds)")
    }
  }

  /// Reasons are appended in their order rather than sorted afterwards: every combination comes out sorted.
  @Test func everyCombinationOfReasonsIsInTheirFixedOrder() {
    var seen = Set<[TokenAuditReason]>()
    for created in [-200 * Self.day, -65 * Self.day, -Self.day] {
      for expires in [nil, -Self.day, Self.day, 30 * Self.day, 200 * Self.day] {
        for lastUsed in [nil, Self.dayStart(daysAgo: 100), Self.dayStart(daysAgo: 1)] {
          let reasons = Self.reasons(Self.token(created: created, expires: expires, lastUsed: lastUsed))
          #expect(reasons == reasons.sorted())
          seen.insert(reasons)
        }
      }
    }
    #expect(seen.contains { $0.count == 3 })
    #expect(seen.contains([.noExpiry, .neverUsed]))
  }

  @Test func anAuditKeepsFindingsAndCountsButNotTheTokens() {
    var audit = WorkspaceTokenAudit(rules: Self.rules, lastUseKnown: true)
    let fine = TokenInfo(
      tokenId: "fine",
      createdAt: Self.now,
      expiresAt: Self.now.addingTimeInterval(30 * Self.day),
      createdById: "1",
      ownerId: "1",
      lastUsedDay: Self.dayStart(daysAgo: 0)
    )
    var forever = fine
    forever.tokenId = "forever"
    forever.expiresAt = nil
    var service = fine
    service.tokenId = "service"
    service.ownerId = "2"
    audit.add(page: [fine, forever])
    audit.add(page: [service])
    #expect(audit.pages == 2)
    #expect(audit.tokensScanned == 3)
    #expect(audit.findings.map(\.token.tokenId) == ["forever"])
    #expect(audit.reasonCounts == [.noExpiry: 1])
    let owners = audit.topOwners(5)
    #expect(owners.map(\.ownerId) == ["1", "2"])
    #expect(owners.map(\.tokenCount) == [2, 1])
    #expect(owners.first?.userName == nil, "no user name was listed for the creator")
    #expect(audit.topOwners(1).count == 1)
  }
}
