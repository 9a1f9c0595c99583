import Databricks
import Foundation
import Testing

/// The record of a minted token: written so every reader reads it back, trusted only for the token it was made for.
@Suite struct MintedTokenRecordTests {
  let expiry = Date(timeIntervalSince1970: 1_800_000_000)

  @Test func roundTripsThroughTheConfigValueAndTheConfigFile() throws {
    let record = MintedTokenRecord(tokenId: "0123abcd", tokenValue: "dapiSECRET", expiresAt: expiry)
    let value = try #require(record.configValue)
    #expect(value.hasPrefix("0123abcd sha256:"))
    #expect(value.hasSuffix(" expires:2027-01-15T08:00:00Z"))
    #expect(!value.contains("dapiSECRET"))
    #expect(MintedTokenRecord(configValue: value) == record)
    // Through the byte-preserving editor and parser, as a reader of the file sees it.
    var document = try INIDocument(parsing: Array("[dev]\nhost = https://h\ntoken = dapiSECRET\n".utf8))
    try document.set(MintedTokenRecord.key, to: value, in: "dev")
    let attributes = try #require(ConfigFile(path: "cfg", bytes: document.bytes).profile("dev")?.attributes)
    #expect(MintedTokenRecord.matching(attributes) == record)
  }

  @Test func aTokenWithoutExpiryIsRecordedAsNever() throws {
    let record = MintedTokenRecord(tokenId: "id", tokenValue: "v", expiresAt: nil)
    let value = try #require(record.configValue)
    #expect(value.hasSuffix(" expires:never"))
    #expect(MintedTokenRecord(configValue: value)?.expiresAt == nil)
    #expect(!record.expiresSoon(now: expiry))
  }

  @Test func aTokenReplacedByHandIsNotTheRecordedOne() throws {
    let value = try #require(MintedTokenRecord(tokenId: "id", tokenValue: "dapiMINTED", expiresAt: expiry).configValue)
    #expect(MintedTokenRecord.matching(["token": "dapiMINTED", MintedTokenRecord.key: value]) != nil)
    #expect(MintedTokenRecord.matching(["token": "dapiTYPED", MintedTokenRecord.key: value]) == nil)
    #expect(MintedTokenRecord.matching([MintedTokenRecord.key: value]) == nil)
    #expect(MintedTokenRecord.matching(["token": "dapiMINTED"]) == nil)
  }

  @Test func refusesValuesBrickauthDidNotWrite() {
    let digest = String(repeating: "a", count: 64)
    for value in [
      "", "id", "id sha256:\(digest)", "id sha256:\(digest) expires:soon", "id sha256:ABC expires:never",
      "id sha256:\(String(repeating: "A", count: 64)) expires:never", "id md5:\(digest) expires:never",
      "i#d sha256:\(digest) expires:never", "id sha256:\(digest) expires:never extra",
    ] {
      #expect(MintedTokenRecord(configValue: value) == nil, "\(value)")
    }
    #expect(MintedTokenRecord(configValue: "id sha256:\(digest) expires:never") != nil)
  }

  @Test func anIdThatCannotBeWrittenIsNotRecorded() {
    #expect(MintedTokenRecord(tokenId: "a b", tokenValue: "v", expiresAt: nil).configValue == nil)
    #expect(MintedTokenRecord(tokenId: "a;b", tokenValue: "v", expiresAt: nil).configValue == nil)
    #expect(MintedTokenRecord(tokenId: "", tokenValue: "v", expiresAt: nil).configValue == nil)
  }

  @Test func expiresSoonWithinSevenDaysOrOnceExpired() {
    let record = MintedTokenRecord(tokenId: "id", tokenValue: "v", expiresAt: expiry)
    #expect(!record.expiresSoon(now: expiry.addingTimeInterval(-7 * 86_400 - 1)))
    #expect(record.expiresSoon(now: expiry.addingTimeInterval(-7 * 86_400)))
    #expect(record.expiresSoon(now: expiry.addingTimeInterval(60)))
  }

  @Test func aLoginOverTheProfileDropsTheRecord() throws {
    let value = try #require(MintedTokenRecord(tokenId: "id", tokenValue: "t", expiresAt: nil).configValue)
    for pat in [true, false] {
      var document = try INIDocument(
        parsing: Array("[dev]\nhost = https://h\ntoken = t\n\(MintedTokenRecord.key) = \(value)\n".utf8)
      )
      if pat {
        try ProfileEdits.savePATLogin(&document, profile: "dev", host: "https://h", token: "typed")
      } else {
        try ProfileEdits.saveOAuthLogin(&document, profile: "dev", host: "https://h", accountId: nil, scopes: [])
      }
      #expect(document.section("dev")?.values[MintedTokenRecord.key] == nil)
    }
  }
}
