import Databricks
import Foundation
import JSON
import Testing

@Suite struct TokenCacheFileTests {
  /// Shaped like the CLI's own fixtures (`acceptance/cmd/auth/**/token-cache.json`).
  static let cliFile = """
    {
      "version": 1,
      "tokens": {
        "dev": {
          "access_token": "access-dev",
          "token_type": "Bearer",
          "refresh_token": "refresh-dev",
          "expiry": "2026-08-21T14:37:20.935183+02:00",
          "expires_in": 3600
        },
        "https://dev.example": {
          "access_token": "access-dev",
          "token_type": "Bearer",
          "refresh_token": "refresh-dev",
          "expiry": "2026-08-21T14:37:20.935183+02:00"
        },
        "https://accounts.cloud.databricks.test/oidc/accounts/account-id": {
          "access_token": "access-acc",
          "expiry": "0001-01-01T00:00:00Z"
        },
        "broken": {"token_type": "Bearer"},
        "bad-expiry": {"access_token": "x", "expiry": "yesterday"}
      },
      "future_field": {"kept": true}
    }
    """

  @Test func readsTheCLIsEntries() throws {
    let file = try TokenCacheFile(bytes: Array(Self.cliFile.utf8))
    let entry = try #require(file.entry("dev"))
    #expect(entry.accessToken == "access-dev")
    #expect(entry.refreshToken == "refresh-dev")
    #expect(entry.tokenType == "Bearer")
    #expect(abs(try #require(entry.expiry).timeIntervalSince1970 - 1_787_315_840.935183) < 0.000_001)
    let account = try #require(file.entry("https://accounts.cloud.databricks.test/oidc/accounts/account-id"))
    #expect(account.expiry == nil)
    #expect(account.refreshToken == nil)
    #expect(file.document["future_field"] == ["kept": true])
  }

  @Test func treatsUndecodableEntriesAsMissing() throws {
    let file = try TokenCacheFile(bytes: Array(Self.cliFile.utf8))
    #expect(file.entry("broken") == nil)
    #expect(file.entry("bad-expiry") == nil)
    #expect(file.entry("absent") == nil)
  }

  @Test func refusesOtherVersionsAndNonObjects() {
    #expect(throws: TokenCacheError.unsupportedVersion) {
      try TokenCacheFile(bytes: Array(#"{"version":2,"tokens":{}}"#.utf8))
    }
    #expect(throws: TokenCacheError.unsupportedVersion) { try TokenCacheFile(bytes: Array(#"{"tokens":{}}"#.utf8)) }
    #expect(throws: TokenCacheError.malformed) { try TokenCacheFile(bytes: Array("[]".utf8)) }
    #expect(throws: TokenCacheError.malformed) { try TokenCacheFile(bytes: Array("{".utf8)) }
  }

  @Test func keysAreTheProfileNameThenTheHostKey() {
    let workspace = Profile(name: "dev", source: .environment, attributes: ["host": "dev.example/"])
    #expect(TokenCacheFile.keys(for: workspace) == ["dev", "https://dev.example"])
    let account = Profile(
      name: "acc",
      source: .environment,
      attributes: ["host": "https://accounts.cloud.databricks.test", "account_id": "account-id"]
    )
    #expect(
      TokenCacheFile.keys(for: account) == ["acc", "https://accounts.cloud.databricks.test/oidc/accounts/account-id"]
    )
    let environment = Profile(name: nil, source: .environment, attributes: ["host": "https://e"])
    #expect(TokenCacheFile.keys(for: environment) == ["https://e"])
  }

  @Test func aLogoutKeepsTheHostKeyWhileAnotherOAuthProfileSignsInToTheSameHost() {
    func profile(_ name: String, _ attributes: [String: String]) -> Profile {
      Profile(name: name, source: .environment, attributes: attributes)
    }
    let dev = profile("dev", ["host": "https://dev.example"])
    let twin = profile("twin", ["host": "https://dev.example/", "auth_type": "databricks-cli"])
    let pat = profile("pat", ["host": "https://dev.example", "token": "dapi-x"])
    let other = profile("other", ["host": "https://other.example"])
    #expect(TokenCacheFile.keys(signingOut: dev, among: [dev, other]) == ["dev", "https://dev.example"])
    #expect(TokenCacheFile.keys(signingOut: dev, among: [dev, twin, other]) == ["dev"])
    // A PAT profile on the same host reads no token cache, so it does not keep the host key.
    #expect(TokenCacheFile.keys(signingOut: dev, among: [dev, pat]) == ["dev", "https://dev.example"])
    let account = ["host": "https://accounts.cloud.databricks.test", "account_id": "a1"]
    let admin = profile("admin", account)
    let otherAccount = profile("b", ["host": "https://accounts.cloud.databricks.test", "account_id": "b2"])
    let sameAccount = profile("c", account)
    let adminKeys = ["admin", "https://accounts.cloud.databricks.test/oidc/accounts/a1"]
    #expect(TokenCacheFile.keys(signingOut: admin, among: [admin, otherAccount]) == adminKeys)
    #expect(TokenCacheFile.keys(signingOut: admin, among: [admin, sameAccount]) == ["admin"])
  }
}

/// Cache keys are profile names, which the CLI compares byte for byte (Go strings): `café` precomposed and `café`
/// decomposed are two profiles with two entries, though Swift's `==` calls the names equal.
@Suite struct TokenCacheFileKeyBytesTests {
  static let composed = "caf\u{E9}"
  static let decomposed = "cafe\u{301}"
  /// Laid out as the CLI writes it: Go sorts map keys by bytes, and `e` (0x65) comes before `é` (0xC3 0xA9).
  static let text = """
    {
      "version": 1,
      "tokens": {
        "\(decomposed)": {
          "access_token": "access-decomposed",
          "expiry": "0001-01-01T00:00:00Z"
        },
        "\(composed)": {
          "access_token": "access-composed",
          "expiry": "0001-01-01T00:00:00Z"
        }
      }
    }
    """

  @Test func canonicallyEquivalentKeysAreTwoEntries() throws {
    let file = try TokenCacheFile(bytes: Array(Self.text.utf8))
    #expect(file.entry(Self.composed)?.accessToken == "access-composed")
    #expect(file.entry(Self.decomposed)?.accessToken == "access-decomposed")
  }

  @Test func bothEntriesSurviveARewriteByteForByte() throws {
    let file = try TokenCacheFile(bytes: Array(Self.text.utf8))
    #expect(file.bytes == Array(Self.text.utf8))
  }

  @Test func settingOneLeavesTheOtherAlone() throws {
    var file = try TokenCacheFile(bytes: Array(Self.text.utf8))
    file.set(.init(accessToken: "new-decomposed", tokenType: nil, expiry: nil), forKeys: [Self.decomposed])
    #expect(file.entry(Self.composed)?.accessToken == "access-composed")
    #expect(file.entry(Self.decomposed)?.accessToken == "new-decomposed")
    file.remove(keys: [Self.composed])
    #expect(file.entry(Self.composed) == nil)
    #expect(file.entry(Self.decomposed)?.accessToken == "new-decomposed")
  }

  /// As Go's `encoding/json` decodes into a map: of two members with the same bytes, the last wins.
  @Test func aKeyRepeatedByteForByteKeepsTheLastValue() throws {
    let text = #"{"version":1,"tokens":{"p":{"access_token":"first"},"p":{"access_token":"second"}}}"#
    #expect(try TokenCacheFile(bytes: Array(text.utf8)).entry("p")?.accessToken == "second")
  }
}
