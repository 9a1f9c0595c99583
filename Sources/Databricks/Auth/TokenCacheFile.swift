package import Foundation
package import JSON

/// The Databricks CLI's plaintext OAuth token cache, `~/.databricks/token-cache.json`, as a value.
///
/// `{"version": 1, "tokens": {"<key>": {"access_token", "token_type", "refresh_token", "expiry"}}}`: keys are
/// profile names, mirrored to host keys for older SDKs. The whole JSON is kept, so unknown fields and other
/// tools' entries survive a rewrite. As in the CLI, a file of another version is an error, while a single entry
/// that cannot be decoded just counts as missing (the user logs in again rather than being stuck).
package struct TokenCacheFile: Sendable, Equatable {
  /// One cached token. `expiry == nil` is Go's zero time: the token does not expire.
  package struct Entry: Sendable, Equatable {
    package var accessToken: String
    package var tokenType: String?
    package var refreshToken: String?
    package var expiry: Date?
  }

  package static let supportedVersion: Int64 = 1

  /// The file's top-level object.
  package private(set) var document: [String: JSONValue]

  package init() {
    document = ["version": .int(Self.supportedVersion), "tokens": .object([:])]
  }

  package init(bytes: [UInt8]) throws(TokenCacheError) {
    guard case .object(let object)? = try? JSONParser.parse(bytes[...]) else { throw .malformed }
    guard case .int(let version)? = object["version"], version == Self.supportedVersion else {
      throw .unsupportedVersion
    }
    document = object
  }

  /// The entry under `key`, or `nil` when there is none or it cannot be decoded.
  package func entry(_ key: String) -> Entry? {
    guard case .object(let fields)? = document["tokens"]?[key],
      case .string(let accessToken)? = fields["access_token"]
    else { return nil }
    var expiry: Date?
    if case .string(let text)? = fields["expiry"] {
      guard let parsed = RFC3339.parse(text) else { return nil }
      // Go writes its zero time for "no expiry".
      expiry = parsed.timeIntervalSince1970 <= -62_135_596_800 ? nil : parsed
    }
    return Entry(
      accessToken: accessToken,
      tokenType: fields["token_type"]?.stringValue,
      refreshToken: fields["refresh_token"]?.stringValue,
      expiry: expiry
    )
  }

  /// The CLI's cache keys for a profile, most specific first: the profile name, then the host key older SDKs use
  /// (`<host>` for a workspace, `<host>/oidc/accounts/<account_id>` for an account).
  package static func keys(for profile: Profile) -> [String] {
    var keys: [String] = []
    if let name = profile.name { keys.append(name) }
    if let host = profile.host?.url {
      if profile.level == .account, let account = profile.accountId {
        keys.append("\(host)/oidc/accounts/\(account)")
      } else {
        keys.append(host)
      }
    }
    return keys
  }
}

/// Why the token cache file cannot be used at all.
package enum TokenCacheError: Error, Equatable, Sendable {
  /// Not a JSON object.
  case malformed
  /// A `version` other than 1 (the CLI refuses these too).
  case unsupportedVersion
  case unreadable(FileError)
}
