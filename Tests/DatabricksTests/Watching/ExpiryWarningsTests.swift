import Databricks
import Foundation
import Testing

/// The `expiringSoon` schedule as a value: due five minutes before the end, once per token.
@Suite struct ExpiryWarningsTests {
  static let start = Date(timeIntervalSince1970: 1_800_000_000)

  @Test func aWarningIsDueFiveMinutesBeforeTheEndAndOnlyOnce() {
    var warnings = ExpiryWarnings()
    #expect(warnings.nextWarning == nil)
    let end = Self.start + 3600
    warnings.track(profile: "a", expiresAt: end)
    #expect(warnings.nextWarning == end - 300)
    #expect(warnings.due(at: end - 301).isEmpty)
    let due = warnings.due(at: end - 300)
    #expect(due.map(\.profile) == ["a"])
    #expect(due.map(\.expiresAt) == [end])
    #expect(warnings.due(at: end).isEmpty)
    #expect(warnings.nextWarning == nil)
    warnings.track(profile: "a", expiresAt: end)
    #expect(warnings.nextWarning == nil, "the same token is not warned about again")
  }

  @Test func aNewTokenIsWarnedAboutAgainAndTheEarliestComesFirst() {
    var warnings = ExpiryWarnings()
    warnings.track(profile: "a", expiresAt: Self.start + 1000)
    _ = warnings.due(at: Self.start + 1000)
    warnings.track(profile: "a", expiresAt: Self.start + 5000)
    warnings.track(profile: "b", expiresAt: Self.start + 4000)
    #expect(warnings.nextWarning == Self.start + 3700)
    #expect(warnings.due(at: Self.start + 5000).map(\.profile) == ["b", "a"])
  }

  @Test func aForgottenProfileIsNotWarnedAbout() {
    var warnings = ExpiryWarnings()
    warnings.track(profile: "a", expiresAt: Self.start + 1000)
    warnings.forget(profile: "a")
    #expect(warnings.nextWarning == nil)
    #expect(warnings.due(at: Self.start + 2000).isEmpty)
  }
}
