import Databricks
import Foundation
import Testing

/// The secret the CLI keeps in the keyring, `{"token":{...}}`, exactly as Go's `json.Marshal` writes an
/// `oauth2.Token` inside the CLI's `keyringEntry`, and how brickauth reads what the CLI wrote.
///
/// The expected texts are derived by hand from Go's rules (field order, `omitempty`, HTML escaping, `RFC3339Nano`
/// in local time), not from brickauth's own writer, so a change in either shows up here.
@Suite struct KeyringTokenEntryTests {
  /// 2026-09-21T14:13:20.935183Z.
  static let expiry = Date(timeIntervalSince1970: 1_790_000_000.935183)
  static let plusTwo = TimeZone(secondsFromGMT: 7200)!

  static let entry = TokenCacheFile.Entry(
    accessToken: "access-dev",
    tokenType: "Bearer",
    refreshToken: "refresh-dev",
    expiry: expiry
  )

  @Test func isStoredUnderTheCLIsService() {
    #expect(KeyringTokenEntry.service == "databricks-cli")
  }

  @Test func writesTheTokenAsGoMarshalsIt() {
    #expect(
      KeyringTokenEntry.secret(Self.entry, timeZone: Self.plusTwo)
        == #"{"token":{"access_token":"access-dev","token_type":"Bearer","refresh_token":"refresh-dev","#
        + #""expiry":"2026-09-21T16:13:20.935183+02:00"}}"#
    )
  }

  @Test func writesTheExpiryInTheGivenZoneWithGosOffsetForm() throws {
    let minusFive = try #require(TimeZone(secondsFromGMT: -5 * 3600))
    let utc = try #require(TimeZone(secondsFromGMT: 0))
    let entry = TokenCacheFile.Entry(accessToken: "a", tokenType: nil, expiry: Self.expiry)
    #expect(
      KeyringTokenEntry.secret(entry, timeZone: minusFive)
        == #"{"token":{"access_token":"a","expiry":"2026-09-21T09:13:20.935183-05:00"}}"#
    )
    // Go writes "Z" for any zero offset.
    #expect(
      KeyringTokenEntry.secret(entry, timeZone: utc)
        == #"{"token":{"access_token":"a","expiry":"2026-09-21T14:13:20.935183Z"}}"#
    )
  }

  @Test func trimsTrailingZerosOfTheFraction() {
    let entry = TokenCacheFile.Entry(
      accessToken: "a",
      tokenType: nil,
      expiry: Date(timeIntervalSince1970: 1_790_000_000.5)
    )
    #expect(
      KeyringTokenEntry.secret(entry, timeZone: Self.plusTwo)
        == #"{"token":{"access_token":"a","expiry":"2026-09-21T16:13:20.5+02:00"}}"#
    )
  }

  @Test func keepsAFractionOnAWholeSecondExpiryAsTheFileDoes() {
    let entry = TokenCacheFile.Entry(
      accessToken: "a",
      tokenType: nil,
      expiry: Date(timeIntervalSince1970: 1_790_000_000)
    )
    #expect(
      KeyringTokenEntry.secret(entry, timeZone: Self.plusTwo)
        == #"{"token":{"access_token":"a","expiry":"2026-09-21T16:13:19.999999+02:00"}}"#
    )
  }

  @Test func leavesOutEmptyFieldsAsOmitemptyDoes() {
    let empty = TokenCacheFile.Entry(accessToken: "a", tokenType: "", refreshToken: "", expiry: Self.expiry)
    let absent = TokenCacheFile.Entry(accessToken: "a", tokenType: nil, refreshToken: nil, expiry: Self.expiry)
    let expected = #"{"token":{"access_token":"a","expiry":"2026-09-21T16:13:20.935183+02:00"}}"#
    #expect(KeyringTokenEntry.secret(empty, timeZone: Self.plusTwo) == expected)
    #expect(KeyringTokenEntry.secret(absent, timeZone: Self.plusTwo) == expected)
    // The access token and the expiry are there even when empty: neither is omitempty in the CLI's output.
    let bare = TokenCacheFile.Entry(accessToken: "", tokenType: nil, expiry: nil)
    #expect(KeyringTokenEntry.secret(bare) == #"{"token":{"access_token":"","expiry":"0001-01-01T00:00:00Z"}}"#)
  }

  @Test func writesGosZeroTimeForATokenThatNeverExpires() {
    let entry = TokenCacheFile.Entry(accessToken: "a", refreshToken: "r", expiry: nil)
    #expect(
      KeyringTokenEntry.secret(entry, timeZone: Self.plusTwo)
        == #"{"token":{"access_token":"a","token_type":"Bearer","refresh_token":"r","expiry":"0001-01-01T00:00:00Z"}}"#
    )
  }

  @Test func escapesAsGoDoes() {
    let entry = TokenCacheFile.Entry(accessToken: #"a<b>&c"d\e"#, tokenType: nil, refreshToken: "x\ny", expiry: nil)
    #expect(
      KeyringTokenEntry.secret(entry)
        == #"{"token":{"access_token":"a\u003cb\u003e\u0026c\"d\\e","refresh_token":"x\ny","#
        + #""expiry":"0001-01-01T00:00:00Z"}}"#
    )
  }

  @Test func readsWhatTheCLIWrote() throws {
    let written = """
      {"token":{"access_token":"access-dev","token_type":"Bearer","refresh_token":"refresh-dev",\
      "expiry":"2026-09-21T16:13:20.935183+02:00","expires_in":3600,"scope":"all-apis"},"future":{"kept":true}}
      """
    let entry = try #require(KeyringTokenEntry.entry(fromSecret: written))
    #expect(entry.accessToken == "access-dev")
    #expect(entry.tokenType == "Bearer")
    #expect(entry.refreshToken == "refresh-dev")
    #expect(abs(try #require(entry.expiry).timeIntervalSince1970 - 1_790_000_000.935183) < 0.000_001)
  }

  @Test func readsAUTCExpiryAndGosEscapes() throws {
    let written = #"{"token":{"access_token":"a\u003cb\u0026","expiry":"2026-09-21T14:13:20.935183Z"}}"#
    let entry = try #require(KeyringTokenEntry.entry(fromSecret: written))
    #expect(entry.accessToken == "a<b&")
    #expect(entry.tokenType == nil)
    #expect(entry.refreshToken == nil)
    #expect(abs(try #require(entry.expiry).timeIntervalSince1970 - 1_790_000_000.935183) < 0.000_001)
  }

  @Test func readsGosZeroTimeAsNoExpiry() throws {
    let written = #"{"token":{"access_token":"a","expiry":"0001-01-01T00:00:00Z"}}"#
    let entry = try #require(KeyringTokenEntry.entry(fromSecret: written))
    #expect(entry == TokenCacheFile.Entry(accessToken: "a", tokenType: nil, expiry: nil))
  }

  @Test(
    arguments: [
      "",
      "not json",
      "[]",
      #""token""#,
      #"{"token":"access-dev"}"#,
      #"{"token":null}"#,
      #"{"tokens":{"access_token":"a","expiry":"0001-01-01T00:00:00Z"}}"#,
      #"{"token":{"token_type":"Bearer","expiry":"0001-01-01T00:00:00Z"}}"#,
      #"{"token":{"access_token":7}}"#,
      #"{"token":{"access_token":"a","expiry":"tomorrow"}}"#,
      #"{"token":{"access_token":"a"}"#,
    ]
  )
  func readsAnythingElseAsNoToken(_ secret: String) {
    #expect(KeyringTokenEntry.entry(fromSecret: secret) == nil)
  }

  @Test func roundTripsThroughAnyZone() throws {
    let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
    for zone in [Self.plusTwo, tokyo] {
      let read = try #require(KeyringTokenEntry.entry(fromSecret: KeyringTokenEntry.secret(Self.entry, timeZone: zone)))
      #expect(read.accessToken == Self.entry.accessToken)
      #expect(read.tokenType == Self.entry.tokenType)
      #expect(read.refreshToken == Self.entry.refreshToken)
      #expect(abs(try #require(read.expiry).timeIntervalSince(Self.expiry)) < 0.000_001)
    }
    let forever = TokenCacheFile.Entry(accessToken: "a<&>", tokenType: nil, refreshToken: "r", expiry: nil)
    #expect(KeyringTokenEntry.entry(fromSecret: KeyringTokenEntry.secret(forever)) == forever)
  }
}
