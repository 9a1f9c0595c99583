import Databricks
import Foundation
import JSON
import Testing

@Suite struct TokenCacheFileWriteTests {
  static let plus2 = TimeZone(secondsFromGMT: 7200)!
  /// 2026-08-21T12:37:20.935183Z.
  static let expiry = Date(timeIntervalSince1970: 1_787_315_840.935183)

  static func text(_ file: TokenCacheFile) -> String {
    String(decoding: file.bytes, as: UTF8.self)
  }

  /// What the CLI (`json.MarshalIndent(f, "", "  ")` of `tokenStoreFile`) writes after logins of a workspace
  /// profile, an account profile and a unified-host account, with the host-key mirrors: typed by hand from the CLI's
  /// file format (`libs/auth/storage/filestore.go`), its key scheme (profile name, mirrored to the host key) and Go's
  /// encoder rules. Struct fields in declaration order, map keys sorted by bytes, no trailing newline.
  static let goFile = """
    {
      "version": 1,
      "tokens": {
        "DEFAULT": {
          "access_token": "access-default",
          "token_type": "Bearer",
          "refresh_token": "refresh-default",
          "expiry": "2026-08-21T14:37:20.935183+02:00",
          "expires_in": 3600
        },
        "acc": {
          "access_token": "access-acc",
          "token_type": "Bearer",
          "refresh_token": "refresh-acc",
          "expiry": "2026-08-21T13:37:20.5+01:00"
        },
        "https://accounts.cloud.databricks.test/oidc/accounts/account-id": {
          "access_token": "access-acc",
          "token_type": "Bearer",
          "refresh_token": "refresh-acc",
          "expiry": "2026-08-21T13:37:20.5+01:00"
        },
        "https://dev.example": {
          "access_token": "access-default",
          "token_type": "Bearer",
          "refresh_token": "refresh-default",
          "expiry": "2026-08-21T14:37:20.935183+02:00",
          "expires_in": 3600
        },
        "https://spog.example/oidc/accounts/acc-2": {
          "access_token": "access-spog",
          "expiry": "0001-01-01T00:00:00Z"
        }
      }
    }
    """

  @Test func rewritesAGoWrittenFileByteForByte() throws {
    let file = try TokenCacheFile(bytes: Array(Self.goFile.utf8))
    #expect(Self.text(file) == Self.goFile)
    #expect(!file.bytes.isEmpty && file.bytes.last == UInt8(ascii: "}"))
  }

  @Test func writesANewFileAsGoWould() {
    var file = TokenCacheFile()
    #expect(Self.text(file) == "{\n  \"version\": 1,\n  \"tokens\": {}\n}")
    file.set(
      .init(accessToken: "access-dev", tokenType: "Bearer", refreshToken: "refresh-dev", expiry: Self.expiry),
      forKeys: ["dev", "https://dev.example"],
      timeZone: Self.plus2
    )
    #expect(
      Self.text(file) == """
        {
          "version": 1,
          "tokens": {
            "dev": {
              "access_token": "access-dev",
              "token_type": "Bearer",
              "refresh_token": "refresh-dev",
              "expiry": "2026-08-21T14:37:20.935183+02:00"
            },
            "https://dev.example": {
              "access_token": "access-dev",
              "token_type": "Bearer",
              "refresh_token": "refresh-dev",
              "expiry": "2026-08-21T14:37:20.935183+02:00"
            }
          }
        }
        """
    )
  }

  @Test func readsBackWhatItWrites() throws {
    var file = try TokenCacheFile(bytes: Array(Self.goFile.utf8))
    let entry = TokenCacheFile.Entry(
      accessToken: "new-access",
      tokenType: "Bearer",
      refreshToken: "new-refresh",
      expiry: Self.expiry
    )
    file.set(entry, forKeys: ["DEFAULT", "https://dev.example"], timeZone: Self.plus2)
    let reread = try TokenCacheFile(bytes: file.bytes)
    #expect(reread == file)
    for key in ["DEFAULT", "https://dev.example"] {
      let read = try #require(reread.entry(key))
      #expect(read.accessToken == "new-access")
      #expect(read.refreshToken == "new-refresh")
      #expect(read.tokenType == "Bearer")
      #expect(abs(try #require(read.expiry).timeIntervalSince1970 - Self.expiry.timeIntervalSince1970) < 0.000_001)
    }
    #expect(reread.entry("acc")?.accessToken == "access-acc")
    #expect(reread.entry("https://spog.example/oidc/accounts/acc-2")?.expiry == nil)
  }

  @Test func keepsUnknownFieldsAndOtherEntriesButDropsAStaleExpiresIn() throws {
    let old = """
      {
        "tokens": {
          "dev": {
            "access_token": "old",
            "expires_in": 3599,
            "token_type": "Bearer",
            "refresh_token": "old-refresh",
            "scopes": ["all-apis", "offline_access"],
            "expiry": "2026-08-21T14:00:00.1+02:00",
            "config_fingerprint": "abc"
          },
          "other-tool:thing": {"access_token": "theirs", "expiry": "2026-01-01T00:00:00Z", "expires_in": 60},
          "weird": [1, 2.5, null]
        },
        "version": 1,
        "written_by": {"tool": "future-cli", "ok": true}
      }
      """
    var file = try TokenCacheFile(bytes: Array(old.utf8))
    file.set(
      .init(accessToken: "new", tokenType: "Bearer", refreshToken: "new-refresh", expiry: Self.expiry),
      forKeys: ["dev"],
      timeZone: Self.plus2
    )
    #expect(
      Self.text(file) == """
        {
          "version": 1,
          "tokens": {
            "dev": {
              "access_token": "new",
              "token_type": "Bearer",
              "refresh_token": "new-refresh",
              "expiry": "2026-08-21T14:37:20.935183+02:00",
              "config_fingerprint": "abc",
              "scopes": [
                "all-apis",
                "offline_access"
              ]
            },
            "other-tool:thing": {
              "access_token": "theirs",
              "expiry": "2026-01-01T00:00:00Z",
              "expires_in": 60
            },
            "weird": [
              1,
              2.5,
              null
            ]
          },
          "written_by": {
            "ok": true,
            "tool": "future-cli"
          }
        }
        """
    )
  }

  @Test func omitsEmptyTypeAndRefreshTokenAndWritesGoZeroTimeForNoExpiry() {
    var file = TokenCacheFile()
    file.set(.init(accessToken: "a", tokenType: nil, refreshToken: "", expiry: nil), forKeys: ["k"])
    file.set(.init(accessToken: "b", tokenType: "", refreshToken: nil, expiry: nil), forKeys: ["l"])
    #expect(
      Self.text(file) == """
        {
          "version": 1,
          "tokens": {
            "k": {
              "access_token": "a",
              "expiry": "0001-01-01T00:00:00Z"
            },
            "l": {
              "access_token": "b",
              "expiry": "0001-01-01T00:00:00Z"
            }
          }
        }
        """
    )
    #expect(file.entry("k") == .init(accessToken: "a", tokenType: nil, refreshToken: nil, expiry: nil))
  }

  @Test func replacingAnEntryClearsFieldsTheNewTokenDoesNotHave() {
    var file = TokenCacheFile()
    file.set(.init(accessToken: "a", refreshToken: "r", expiry: Self.expiry), forKeys: ["k"])
    file.set(.init(accessToken: "b", tokenType: nil, refreshToken: nil, expiry: nil), forKeys: ["k"])
    #expect(file.storedEntry("k") == ["access_token": "b", "expiry": "0001-01-01T00:00:00Z"])
  }

  @Test func escapesAsGoDoes() {
    var file = TokenCacheFile()
    file.set(.init(accessToken: "a<b>&c\"d\\e\u{1}\u{2028}é/", expiry: nil), forKeys: ["p&q"])
    #expect(
      Self.text(file) == """
        {
          "version": 1,
          "tokens": {
            "p\\u0026q": {
              "access_token": "a\\u003cb\\u003e\\u0026c\\"d\\\\e\\u0001\\u2028é/",
              "token_type": "Bearer",
              "expiry": "0001-01-01T00:00:00Z"
            }
          }
        }
        """
    )
  }

  @Test func removesOnlyTheGivenKeys() throws {
    var file = try TokenCacheFile(bytes: Array(Self.goFile.utf8))
    file.remove(keys: ["acc", "https://accounts.cloud.databricks.test/oidc/accounts/account-id", "absent"])
    #expect(file.entry("acc") == nil)
    #expect(file.entry("DEFAULT") != nil)
    #expect(
      Self.text(file) == """
        {
          "version": 1,
          "tokens": {
            "DEFAULT": {
              "access_token": "access-default",
              "token_type": "Bearer",
              "refresh_token": "refresh-default",
              "expiry": "2026-08-21T14:37:20.935183+02:00",
              "expires_in": 3600
            },
            "https://dev.example": {
              "access_token": "access-default",
              "token_type": "Bearer",
              "refresh_token": "refresh-default",
              "expiry": "2026-08-21T14:37:20.935183+02:00",
              "expires_in": 3600
            },
            "https://spog.example/oidc/accounts/acc-2": {
              "access_token": "access-spog",
              "expiry": "0001-01-01T00:00:00Z"
            }
          }
        }
        """
    )
    file.remove(keys: ["DEFAULT", "https://dev.example", "https://spog.example/oidc/accounts/acc-2"])
    #expect(Self.text(file) == "{\n  \"version\": 1,\n  \"tokens\": {}\n}")
  }

  @Test func removingFromAFileWithoutTokensChangesNothing() throws {
    var file = try TokenCacheFile(bytes: Array(#"{"version":1,"tokens":null}"#.utf8))
    let before = file
    file.remove(keys: ["x"])
    #expect(file == before)
    file.set(.init(accessToken: "a", expiry: nil), forKeys: ["x"])
    #expect(file.entry("x")?.accessToken == "a")
  }

  @Test func refusesAFileWhoseTokensAreNotAnObject() {
    #expect(throws: TokenCacheError.malformed) {
      try TokenCacheFile(bytes: Array(#"{"version":1,"tokens":[]}"#.utf8))
    }
  }

  @Test func writesWholeSecondExpiriesWithAFraction() throws {
    let whole = Date(timeIntervalSince1970: 1_787_315_840)
    #expect(TokenCacheFile.expiryText(whole, timeZone: Self.plus2) == "2026-08-21T14:37:19.999999+02:00")
    #expect(TokenCacheFile.expiryText(whole, timeZone: TimeZone(identifier: "UTC")!) == "2026-08-21T12:37:19.999999Z")
    #expect(TokenCacheFile.expiryText(Self.expiry, timeZone: Self.plus2) == "2026-08-21T14:37:20.935183+02:00")
    #expect(TokenCacheFile.expiryText(nil) == "0001-01-01T00:00:00Z")
    for offset in 0..<1000 {
      let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(offset * 3607))
      let text = TokenCacheFile.expiryText(date, timeZone: Self.plus2)
      #expect(text.contains("."), "\(text)")
      let parsed = try #require(RFC3339.parse(text))
      #expect(date.timeIntervalSince(parsed) > 0 && date.timeIntervalSince(parsed) < 0.000_002)
    }
  }
}
