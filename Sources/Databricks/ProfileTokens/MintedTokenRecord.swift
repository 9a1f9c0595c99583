import Basics
package import Foundation

/// What brickauth remembers about a personal access token it wrote into a profile: the token's id, when it expires,
/// and a SHA-256 of the token's value. It lives in the profile itself, as one extra key:
///
/// ```ini
/// [dev]
/// host = https://dbc-1234.cloud.databricks.com
/// token = dapi…
/// brickauth_minted_token = 0123abcd… sha256:9f86d0… expires:2027-03-01T12:00:00Z
/// ```
///
/// Why a key in the profile, and why every other reader ignores it (their loaders, read for this):
/// - The Go SDK (and so the CLI and Terraform) resolves a profile by walking its own list of attributes and looking
///   each one up in the section (`config/attributes.go` `ResolveFromStringMapWithSource`): a key it does not know is
///   never looked at, and nothing warns about it. The CLI's profile listing reads the few keys it shows the same way.
/// - The Python SDK reads the section with `configparser` and assigns every key to its `Config` object
///   (`config.py` `_known_file_config_loader`); an unknown name becomes a plain attribute that no credential provider
///   and no validation reads. Only the key's name is logged, never its value. The name is lower case (configparser
///   lower-cases names) and is no attribute or method of `Config`. CI checks that such a profile still works in the
///   Python SDK (`.ci/sdk_fidelity.py`).
/// - When the CLI rewrites the file (`databricks auth login`, `databricks configure`) it keeps keys it does not know
///   (its login clears only credential keys). It keeps full-line `;`/`#` comments too, but only as the comment of the
///   key or section right below them, so a comment dies with the `token` line it sits on; a key has no such
///   attachment, which is why the record is a key and not a comment. A CLI rewrite also re-quotes values holding `#`,
///   `;` or surrounding spaces, so the value uses none of them and reads back the same in every reader.
/// - One atomic write of the config carries the token and its record together: they cannot disagree after a crash.
///   No other file has to be kept in step, and the record goes wherever the profile goes.
///
/// The hash is what makes the record trustworthy: a token the user replaced by hand (or the CLI re-wrote) no longer
/// matches it, and ``matching(_:)`` then knows nothing about the profile's token. Nothing is revoked on a guess. A
/// SHA-256 of a 128-bit random token gives no help in finding the token.
package struct MintedTokenRecord: Sendable, Equatable {
  /// The profile key that holds the record.
  package static let key = "brickauth_minted_token"

  package var tokenId: String
  /// The SHA-256 of the token's value, lower-case hex.
  package var tokenSHA256: String
  /// `nil`: the token never expires.
  package var expiresAt: Date?

  /// The record for a token just minted.
  package init(tokenId: String, tokenValue: String, expiresAt: Date?) {
    self.tokenId = tokenId
    self.tokenSHA256 = Self.digest(tokenValue)
    self.expiresAt = expiresAt
  }

  /// Reads the value of ``key``; `nil` when it is not one brickauth wrote.
  package init?(configValue: String) {
    let fields = configValue.split(separator: " ", omittingEmptySubsequences: true)
    guard fields.count == 3, Self.isTokenId(fields[0]), fields[1].hasPrefix("sha256:"), fields[2].hasPrefix("expires:")
    else { return nil }
    let digest = fields[1].dropFirst("sha256:".count)
    guard digest.utf8.count == 64, digest.utf8.allSatisfy(Self.isLowerHex) else { return nil }
    let expiry = String(fields[2].dropFirst("expires:".count))
    if expiry == "never" {
      expiresAt = nil
    } else if let date = RFC3339.parse(expiry) {
      expiresAt = date
    } else {
      return nil
    }
    tokenId = String(fields[0])
    tokenSHA256 = String(digest)
  }

  /// What ``key`` is set to; `nil` when the id cannot be written so that every reader reads it back (Databricks'
  /// ids are hex; anything else from a server is not recorded rather than written).
  package var configValue: String? {
    guard Self.isTokenId(tokenId[...]) else { return nil }
    return "\(tokenId) sha256:\(tokenSHA256) expires:\(expiresAt.map(RFC3339.utcString) ?? "never")"
  }

  /// The record of a profile's current token: present, readable, and minted for exactly the value in `token`.
  /// - Parameter attributes: the profile's keys (``Profile/attributes``).
  package static func matching(_ attributes: [String: String]) -> MintedTokenRecord? {
    guard let token = attributes["token"], !token.isEmpty,
      let record = attributes[key].flatMap(MintedTokenRecord.init(configValue:)),
      record.tokenSHA256 == digest(token)
    else { return nil }
    return record
  }

  /// Whether this record's token expires within `days` of `now` (or has expired); never for a token without expiry.
  package func expiresSoon(now: Date, days: Int = 7) -> Bool {
    expiresAt.map { $0.timeIntervalSince(now) <= Double(days) * 86_400 } ?? false
  }

  private static func digest(_ value: String) -> String {
    SHA256.hash(Array(value.utf8)).map { byte in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }.joined()
  }

  private static func isTokenId(_ text: Substring) -> Bool {
    (1...256).contains(text.utf8.count)
      && text.utf8.allSatisfy { byte in
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
      }
  }

  private static func isLowerHex(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
  }
}
