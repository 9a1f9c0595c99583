import Basics
import Databricks
import Foundation
import TestSupport
import Testing

/// The watches over real files in a scratch home, and the credential manager's events through the relay.
@Suite(.timeLimit(.minutes(1))) struct CredentialWatchesTests {
  /// A home with a config of profiles `a` and `b`, the watches over it, and what they delivered.
  struct World {
    let home: URL
    let config: URL
    let relay = CredentialEventRelay()
    let watches: CredentialWatches
    let delivered = Locked<[(watchId: String, change: CredentialChange)]>([])

    init(home: URL) throws {
      self.home = home
      config = home.appendingPathComponent(".databrickscfg")
      try "[a]\nhost = https://a.cloud.databricks.com\n\n[b]\nhost = https://b.cloud.databricks.com\n".write(
        to: config,
        atomically: true,
        encoding: .utf8
      )
      let tokens = OAuthTokenStore(
        file: TokenCacheStore(path: TokenCacheStore.defaultPath(home: home.path)),
        keyring: AbsentKeyring(reason: "no keyring in this test"),
        environment: ["DATABRICKS_AUTH_STORAGE": "plaintext"]
      )
      watches = CredentialWatches(
        config: ConfigStore(path: config.path),
        tokens: tokens,
        events: relay,
        describe: { "described: \($0)" }
      )
    }

    func watch(_ profiles: [String]? = nil) async throws -> String {
      try await watches.watch(profiles: profiles) { [delivered] id, change in
        delivered.withLock { $0.append((id, change)) }
      }
    }

    func waitFor(_ count: Int) async throws -> [(watchId: String, change: CredentialChange)] {
      try await delivered.waitForCount(count)
    }
  }

  @Test func aLoginRequiredIsReportedOnceUntilTheTokensChange() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let world = try World(home: home)
      let id = try await world.watch()
      let failure = OAuthError.invalidRefreshToken(profile: "a")
      world.relay.emit(.loginRequired(profile: "a", failure: failure))
      let first = try await world.waitFor(1)
      #expect(first.first?.watchId == id)
      #expect(
        first.first?.change == CredentialChange(profile: "a", kind: .loginRequired, reason: "described: \(failure)")
      )
      // The same failure again, then a real change: the next report is the real one.
      world.relay.emit(.loginRequired(profile: "a", failure: failure))
      try "[a]\nhost = https://a.cloud.databricks.com\n".write(to: world.config, atomically: true, encoding: .utf8)
      let next = try await world.waitFor(2)
      #expect(next.map(\.change.kind) == [.loginRequired, .removed])
      #expect(next.last?.change.profile == "b")
      #expect(await world.watches.unwatch(id))
    }
  }

  @Test func aTokenNothingCanRenewIsWarnedAboutFiveMinutesBeforeItEnds() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let world = try World(home: home)
      let id = try await world.watch()
      let expiresAt = Date().addingTimeInterval(ExpiryWarnings.lead + 0.3)
      world.relay.emit(.unrenewable(profile: "b", expiresAt: expiresAt))
      let warned = try await world.waitFor(1)
      #expect(warned.first?.change == CredentialChange(profile: "b", kind: .expiringSoon, expiresAt: expiresAt))
      #expect(await world.watches.unwatch(id))
    }
  }

  /// A PAT brickauth minted has its expiry recorded in its profile, and nothing renews it: it is warned about too.
  @Test func aMintedPATWhoseRecordedExpiryNearsIsWarnedAbout() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let world = try World(home: home)
      let id = try await world.watch()
      let expiresAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + ExpiryWarnings.lead + 1).rounded(.up))
      let record = MintedTokenRecord(tokenId: "0a1b2c", tokenValue: "dapi-minted", expiresAt: expiresAt)
      let config = """
        [a]
        host = https://a.cloud.databricks.com
        token = dapi-minted
        \(MintedTokenRecord.key) = \(try #require(record.configValue))

        [b]
        host = https://b.cloud.databricks.com

        """
      try config.write(to: world.config, atomically: true, encoding: .utf8)
      let changes = try await world.waitFor(2)
      #expect(changes.map(\.change.kind) == [.edited, .expiringSoon])
      #expect(changes.last?.change == CredentialChange(profile: "a", kind: .expiringSoon, expiresAt: expiresAt))
      #expect(await world.watches.unwatch(id))
    }
  }

  @Test func aWatchHearsOnlyItsProfilesAndTheLastUnwatchStopsEverything() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let world = try World(home: home)
      #expect(await !world.watches.isActive)
      let onlyB = try await world.watch(["b"])
      #expect(await world.watches.isActive)
      world.relay.emit(.loginRequired(profile: "a", failure: OAuthError.invalidRefreshToken(profile: "a")))
      world.relay.emit(.loginRequired(profile: "b", failure: OAuthError.invalidRefreshToken(profile: "b")))
      _ = try await world.waitFor(1)
      try "[b]\nhost = https://b2.cloud.databricks.com\n".write(to: world.config, atomically: true, encoding: .utf8)
      let heard = try await world.waitFor(2)
      #expect(heard.map { "\($0.change.profile) \($0.change.kind)" } == ["b loginRequired", "b edited"])
      #expect(await world.watches.unwatch(onlyB))
      #expect(await !world.watches.unwatch(onlyB), "a watch ends once")
      #expect(await !world.watches.isActive)
    }
  }
}
