import Basics
import Databricks
import Foundation
import JSONRPC
import TestSupport
import Testing

/// What ``OAuthTokenStore`` remembers, and when it must not: a keyring probe for a minute, a keyring entry for ten
/// seconds, and never a read that is older than this process's own write. Against a keyring in memory whose reads
/// can be held at a gate, so a read and a write are ordered exactly, and a clock the test moves.
@Suite struct OAuthTokenStoreTests {
  let keyring = MemoryKeyring()
  let clock = Locked(Date(timeIntervalSince1970: 1_800_000_000))
  let store: OAuthTokenStore
  let directory: URL
  let profile = Profile(
    name: "dev",
    source: .environment,
    attributes: ["host": "https://dbc-1.cloud.databricks.com", "auth_type": "databricks-cli"]
  )
  let inKeyring = TokenStoragePlan.keyring(pinSecure: false)
  let defaultSecure = TokenStorage(mode: .secure, source: .default)

  init() throws {
    directory = try ScratchDirectory.make(prefix: "token-store")
    let clock = self.clock
    store = OAuthTokenStore(
      file: TokenCacheStore(path: directory.appendingPathComponent("token-cache.json").path),
      keyring: keyring,
      environment: [:],
      now: { clock.withLock { $0 } }
    )
  }

  func entry(_ access: String) -> TokenCacheFile.Entry {
    TokenCacheFile.Entry(
      accessToken: access,
      refreshToken: "r-\(access)",
      expiry: Date(timeIntervalSince1970: 1_900_000_000.5)
    )
  }

  func advance(_ seconds: TimeInterval) {
    clock.withLock { $0 += seconds }
  }

  /// Starts a lookup and returns once its keyring read waits at the gate.
  func lookupHeldAtTheGate() async throws -> Task<TokenCacheFile.Entry?, any Error> {
    await keyring.hold()
    let lookup = Task { [store, profile, inKeyring] in try await store.lookup(profile, plan: inKeyring).entry }
    while await keyring.waitingReads == 0 { await Task.yield() }
    return lookup
  }

  @Test func aLoginDuringAReadIsNotOverwrittenByWhatTheReadSaw() async throws {
    let lookup = try await lookupHeldAtTheGate()
    try await store.save(entry("new"), for: profile, plan: inKeyring)
    await keyring.release()
    #expect(try await lookup.value == nil, "the read itself answers what it saw")
    #expect(try await store.lookup(profile, plan: inKeyring).entry == entry("new"))
    #expect(await keyring.reads == 1, "served from what the login wrote")
  }

  @Test func aLogoutDuringAReadIsNotUndoneByWhatTheReadSaw() async throws {
    await keyring.put(KeyringTokenEntry.secret(entry("old")), account: "dev")
    let lookup = try await lookupHeldAtTheGate()
    #expect(try await store.remove(keys: ["dev"], plan: inKeyring))
    await keyring.release()
    #expect(try await lookup.value == entry("old"))
    #expect(try await store.lookup(profile, plan: inKeyring).entry == nil, "logged out")
  }

  @Test func entriesAreReadAgainAfterTenSeconds() async throws {
    await keyring.put(KeyringTokenEntry.secret(entry("a")), account: "dev")
    let first = try await store.lookup(profile, plan: inKeyring)
    _ = try await store.lookup(profile, plan: inKeyring)
    #expect(await keyring.reads == 1)
    await keyring.put(KeyringTokenEntry.secret(entry("b")), account: "dev")  // the CLI signed in again
    advance(OAuthTokenStore.rereadSeconds + 1)
    let later = try await store.lookup(profile, plan: inKeyring)
    #expect(await keyring.reads == 2)
    #expect(later.entry == entry("b"))
    #expect(later.stamp != first.stamp, "a changed entry changes the stamp")
  }

  @Test func aProbeIsRememberedForAMinute() async throws {
    await keyring.fail(with: .unavailable(reason: "no D-Bus session bus"))
    #expect(await store.readingPlan(defaultSecure) == .file(persistPlaintext: false))
    #expect(await store.readingPlan(defaultSecure) == .file(persistPlaintext: false))
    #expect(await keyring.reads == 1)
    await keyring.fail(with: nil)  // the keyring came up
    advance(OAuthTokenStore.probeSeconds + 1)
    #expect(await store.readingPlan(defaultSecure) == inKeyring)
    #expect(await keyring.reads == 2)
  }

  @Test func aProbeThatTimesOutStaysOnTheKeyring() async throws {
    await keyring.fail(with: .timedOut(operation: "get"))
    #expect(await store.readingPlan(defaultSecure) == inKeyring, "a locked keyring is not an absent one")
    #expect(try await store.loginPlan(defaultSecure) == .keyring(pinSecure: true))
  }

  @Test func anExplicitModeIsNeverProbedForReading() async throws {
    await keyring.fail(with: .unavailable(reason: "none"))
    #expect(await store.readingPlan(TokenStorage(mode: .secure, source: .env)) == inKeyring)
    #expect(await store.readingPlan(TokenStorage(mode: .plaintext, source: .config)) == .file(persistPlaintext: false))
    #expect(await keyring.reads == 0)
  }
}

/// A keyring in memory. `hold()` makes reads wait until `release()`; `fail(with:)` makes every call fail.
actor MemoryKeyring: Keyring {
  private var secrets: [String: String] = [:]
  private(set) var reads = 0
  private var failure: KeyringError?
  private var held = false
  private var waiting: [CheckedContinuation<Void, Never>] = []

  var waitingReads: Int { waiting.count }

  func put(_ secret: String?, account: String) { secrets[account] = secret }
  func fail(with failure: KeyringError?) { self.failure = failure }
  func hold() { held = true }

  func release() {
    held = false
    for reader in waiting { reader.resume() }
    waiting = []
  }

  func secret(service: String, account: String) async throws(KeyringError) -> String? {
    reads += 1
    if let failure { throw failure }
    let value = secrets[account]
    if held { await withCheckedContinuation { waiting.append($0) } }
    return value
  }

  func setSecret(_ secret: String, service: String, account: String) async throws(KeyringError) {
    if let failure { throw failure }
    secrets[account] = secret
  }

  func deleteSecret(service: String, account: String) async throws(KeyringError) -> Bool {
    if let failure { throw failure }
    return secrets.removeValue(forKey: account) != nil
  }
}
