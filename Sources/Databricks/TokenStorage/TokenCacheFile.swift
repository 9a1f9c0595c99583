package import Foundation
package import JSON

/// The Databricks CLI's plaintext OAuth token cache, `~/.databricks/token-cache.json`, as a value.
///
/// `{"version": 1, "tokens": {"<key>": {"access_token", "token_type", "refresh_token", "expiry"}}}`: keys are
/// profile names, mirrored to host keys for older SDKs. The whole JSON is kept, so unknown fields and other
/// tools' entries survive a rewrite: ``set(_:forKeys:timeZone:)`` and ``remove(keys:)`` change only the entries named,
/// and ``bytes`` lays the document out as the CLI does. As in the CLI, a file of another version is an error, while a single entry
/// that cannot be decoded just counts as missing (the user logs in again rather than being stuck).
package struct TokenCacheFile: Sendable, Equatable {
  /// One cached token. `expiry == nil` is Go's zero time: the token does not expire.
  package struct Entry: Sendable, Equatable {
    package var accessToken: String
    package var tokenType: String?
    package var refreshToken: String?
    package var expiry: Date?

    package init(accessToken: String, tokenType: String? = "Bearer", refreshToken: String? = nil, expiry: Date?) {
      self.accessToken = accessToken
      self.tokenType = tokenType
      self.refreshToken = refreshToken
      self.expiry = expiry
    }

    /// Decodes golang.org/x/oauth2's `Token` JSON (the file's entries and the keyring's `token`); `nil` when it
    /// has no access token or an expiry that is not RFC 3339.
    package init?(oauth2Token value: JSONValue) {
      guard case .object(let fields) = value, case .string(let accessToken)? = fields["access_token"] else {
        return nil
      }
      var expiry: Date?
      if case .string(let text)? = fields["expiry"] {
        guard let parsed = RFC3339.parse(text) else { return nil }
        // Go writes its zero time for "no expiry".
        expiry = parsed.timeIntervalSince1970 <= -62_135_596_800 ? nil : parsed
      }
      self.init(
        accessToken: accessToken,
        tokenType: fields["token_type"]?.stringValue,
        refreshToken: fields["refresh_token"]?.stringValue,
        expiry: expiry
      )
    }
  }

  package static let supportedVersion: Int64 = 1

  /// The file's top-level members. When `tokens` is an object, its members are in ``entries`` and it holds an empty
  /// object here.
  package private(set) var document: [String: JSONValue]
  /// The members of `tokens`, keyed by their bytes: keys are profile names, which the CLI (in Go, whose map keys are
  /// byte strings) keeps apart byte for byte, so `café` precomposed and decomposed are two entries here too, though
  /// a Swift dictionary keyed by `String` would merge them.
  private var entries: [ProfileName.Key: StoredEntry] = [:]

  /// One member of `tokens`: its key as written, and its value.
  private struct StoredEntry: Sendable, Equatable {
    var key: String
    var value: JSONValue
  }

  package init() {
    document = ["version": .int(Self.supportedVersion), "tokens": .object([:])]
  }

  package init(bytes: [UInt8]) throws(TokenCacheError) {
    var entries: [ProfileName.Key: StoredEntry] = [:]
    let streamed = try? JSONParser.parseObject(bytes, streamingMembersOf: "tokens") { key, value in
      // As Go decodes into a map: of two members with the same bytes, the last wins.
      entries[ProfileName.Key(key)] = StoredEntry(key: key, value: value)
    }
    guard let object = streamed else { throw .malformed }
    guard case .int(let version)? = object["version"], version == Self.supportedVersion else {
      throw .unsupportedVersion
    }
    // Go decodes `tokens` into a map, so anything but an object (or null) makes the CLI refuse the whole file.
    switch object["tokens"] {
    case nil, .null?, .object?: break
    default: throw .malformed
    }
    document = object
    self.entries = entries
  }

  /// The entry under `key`, or `nil` when there is none or it cannot be decoded.
  package func entry(_ key: String) -> Entry? {
    storedEntry(key).flatMap(Entry.init(oauth2Token:))
  }

  /// The JSON stored under `key` in `tokens`, exactly as it is (fields this type does not know included).
  package func storedEntry(_ key: String) -> JSONValue? {
    entries[ProfileName.Key(key)]?.value
  }

  /// Stores `entry` under every key in `keys` (the profile key and its host mirror, see ``keys(for:)``).
  ///
  /// Each key's object gets exactly the fields Go's `oauth2.Token` writes: `access_token`, `token_type` and
  /// `refresh_token` (both left out when empty, as `omitempty` does) and `expiry` (always; Go's zero time when the
  /// token does not expire). Other fields already in that object are kept, since the CLI reserves the entry for
  /// "additive sibling fields", except `expires_in`: it counts seconds from the moment the *old* token was issued,
  /// so next to a new `expiry` it would be wrong, and `expiry` is what every reader trusts anyway.
  package mutating func set(_ entry: Entry, forKeys keys: [String], timeZone: TimeZone = .current) {
    let expiry = JSONValue.string(Self.expiryText(entry.expiry, timeZone: timeZone))
    for key in keys {
      var fields = storedEntry(key)?.objectValue ?? [:]
      fields["expires_in"] = nil
      fields["access_token"] = .string(entry.accessToken)
      fields["token_type"] = entry.tokenType.flatMap { $0.isEmpty ? nil : .string($0) }
      fields["refresh_token"] = entry.refreshToken.flatMap { $0.isEmpty ? nil : .string($0) }
      fields["expiry"] = expiry
      entries[ProfileName.Key(key)] = StoredEntry(key: key, value: .object(fields))
    }
    document["tokens"] = .object([:])
  }

  /// Whether the file holds no token at all.
  package var isEmpty: Bool { entries.isEmpty }

  /// Removes the entries under `keys`; keys that are not there are ignored.
  package mutating func remove(keys: [String]) {
    for key in keys { entries[ProfileName.Key(key)] = nil }
  }

  /// The file's bytes, laid out as the CLI's `json.MarshalIndent(f, "", "  ")` lays them out (no trailing newline,
  /// Go's field order and escaping); see ``TokenCacheLayout``.
  package var bytes: [UInt8] { TokenCacheLayout.bytes(document, tokens: entries.values.map { ($0.key, $0.value) }) }

  /// Go's zero `time.Time`, which the CLI writes as `expiry` of a token that never expires.
  package static let goZeroTime = "0001-01-01T00:00:00Z"

  /// The `expiry` text for `date`: local time with offset as the CLI writes it, and always with a fraction.
  ///
  /// Go omits the fraction of a whole-second time (`...:20+02:00`), and the Python SDK, which reads this value back
  /// through `databricks auth token`, cuts the text at the first `.` and so fails to parse a time without one. A
  /// `.0` would not help, because the CLI parses the file and re-marshals, dropping it again. So a whole-second
  /// expiry is written one microsecond earlier (`...:19.999999+02:00`): still exactly what Go would write for that
  /// instant, it keeps its fraction through the CLI, and the token is only ever considered expired a microsecond
  /// sooner. Expiries computed as `now + expires_in` are whole seconds only about once in a million.
  package static func expiryText(_ date: Date?, timeZone: TimeZone = .current) -> String {
    guard let date else { return goZeroTime }
    let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
    guard microseconds.truncatingRemainder(dividingBy: 1_000_000) == 0 else {
      return RFC3339.goLocalString(date, timeZone: timeZone)
    }
    return RFC3339.goLocalString(Date(timeIntervalSince1970: (microseconds - 1) / 1_000_000), timeZone: timeZone)
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

  /// The keys a logout of `profile` removes: its profile key, and its host key unless another OAuth profile of
  /// `profiles` (the whole config) signs in to the same host and account, and so still reads that key.
  package static func keys(signingOut profile: Profile, among profiles: [Profile]) -> [String] {
    let keys = keys(for: profile)
    let hostKey = keys.dropFirst().first
    let hostShared = profiles.contains { other in
      // Byte for byte: a profile whose name is only canonically equivalent is another profile.
      other.name.map { Array($0.utf8) } != profile.name.map { Array($0.utf8) } && other.credentialKind == .oauth
        && Self.keys(for: other).dropFirst().first == hostKey
    }
    return hostShared ? Array(keys.prefix(1)) : keys
  }
}

/// Why the token cache file cannot be used at all.
package enum TokenCacheError: Error, Equatable, Sendable {
  /// Not a JSON object.
  case malformed
  /// A `version` other than 1 (the CLI refuses these too).
  case unsupportedVersion
  case unreadable(FileError)

  /// What is wrong with the file, as the end of a sentence.
  package var reason: String {
    switch self {
    case .malformed: "it is not valid JSON"
    case .unsupportedVersion: "it is not version 1"
    case .unreadable(let failure): failure.reason
    }
  }
}
