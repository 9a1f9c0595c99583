import Basics
package import Foundation

/// What a watcher compares: every profile of the config file, in file order, with its attributes and a fingerprint
/// of its stored OAuth tokens. Two snapshots taken before and after a change give the change
/// (``CredentialSnapshotDiff``).
///
/// Tokens are kept only as a SHA-256 fingerprint of the access and refresh token with the expiry, so a snapshot
/// that ends up somewhere it should not (a log, a debugger's print) shows no secret.
package struct CredentialSnapshot: Sendable, Equatable {
  package struct Token: Sendable, Equatable {
    package var fingerprint: [UInt8]
    package var expiresAt: Date?
    /// Whether brickauth can get a new token when this one ends (it has a refresh token).
    package var renewable: Bool

    package init(fingerprint: [UInt8], expiresAt: Date?, renewable: Bool) {
      self.fingerprint = fingerprint
      self.expiresAt = expiresAt
      self.renewable = renewable
    }

    package init(_ entry: OAuthTokenStore.Entry) {
      var hasher = SHA256()
      hasher.update(Array(entry.accessToken.utf8))
      hasher.update([0])
      hasher.update(Array((entry.refreshToken ?? "").utf8))
      self.init(fingerprint: hasher.finalize(), expiresAt: entry.expiry, renewable: entry.refreshToken != nil)
    }
  }

  package struct Profile: Sendable, Equatable {
    package var name: String
    /// The section's keys and values (secrets included: compared here, never sent anywhere).
    package var attributes: [String: String]
    /// The stored OAuth tokens; `nil` when there are none (or the profile is not an OAuth one).
    package var token: Token?

    package init(name: String, attributes: [String: String], token: Token? = nil) {
      self.name = name
      self.attributes = attributes
      self.token = token
    }
  }

  package var profiles: [Profile]
  /// `false` when the token store could not be read: its tokens are then unknown, not absent, so no one is reported
  /// signed out because a read failed.
  package var tokensKnown: Bool
  /// Whether tokens were read from the OS keyring, which has no change notification and must be polled.
  package var usesKeyring: Bool

  package init(profiles: [Profile], tokensKnown: Bool = true, usesKeyring: Bool = false) {
    self.profiles = profiles
    self.tokensKnown = tokensKnown
    self.usesKeyring = usesKeyring
  }

  /// The config and token store as they are now; `nil` while the config cannot be read or parsed (an editor halfway
  /// through a save), so the watcher waits for the next change instead of reporting every profile removed.
  package static func read(config: ConfigStore, tokens: OAuthTokenStore) async -> CredentialSnapshot? {
    let file: ConfigFile?
    do {
      file = try await config.current()
    } catch {
      return nil
    }
    let profiles = file?.profiles ?? []
    guard let storage = try? tokens.storage(settings: file?.settings ?? [:]) else {
      return CredentialSnapshot(profiles: profiles.map(Self.profile), tokensKnown: false)
    }
    let plan = await tokens.readingPlan(storage)
    let stored = await tokens.byProfile(profiles, storage: storage)
    let entries = stored.stamp == nil ? [:] : stored.entries()
    return CredentialSnapshot(
      profiles: profiles.map { profile in
        var snapshot = Self.profile(profile)
        snapshot.token = entries[ProfileName.Key(snapshot.name)].map(Token.init)
        return snapshot
      },
      tokensKnown: stored.stamp != nil,
      usesKeyring: plan != .file(persistPlaintext: false) && plan != .file(persistPlaintext: true)
    )
  }

  private static func profile(_ profile: Databricks.Profile) -> Profile {
    Profile(name: profile.name ?? "", attributes: profile.attributes)
  }
}
