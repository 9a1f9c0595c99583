package import Foundation

/// Where OAuth tokens live, decided as the CLI decides it (`libs/auth/storage/cache.go`), and every read, write and
/// refresh of them: the OS keyring (mode `secure`, the CLI's default since v1.0) or the plaintext token cache.
///
/// The mode resolves from `DATABRICKS_AUTH_STORAGE`, then `[__settings__] auth_storage`, then `secure`
/// (``TokenStorageMode/resolve(override:environment:settings:)``), and a probe of the keyring decides the CLI's
/// fallbacks (``TokenStorage/planForReading(keyring:)``, ``TokenStorage/planForLogin(keyring:)``). In the keyring a
/// token is stored under its profile name only (account = cache key, service `databricks-cli`), in the CLI's
/// envelope (``KeyringTokenEntry``); in the file under the profile and its host mirror (``TokenCacheFile``).
///
/// A long-running service cannot run a keyring tool for every request, so it remembers what it learned:
/// - a read probe's outcome for ``probeSeconds`` (a keyring that comes up later is noticed within that time);
/// - a keyring entry for ``rereadSeconds`` (a `databricks auth login` in another terminal shows within that time).
/// A refresh never trusts what it remembers: under the cross-process lock it reads the entry again before spending
/// the refresh token, exactly as for the file, so a rotated refresh token is never sent twice.
///
/// Concurrent readers of one keyring account share one run of the tool. The tools run on threads of their own, so
/// a slow keyring delays only the requests that need one of its tokens.
package actor OAuthTokenStore {
  package typealias Entry = TokenCacheFile.Entry

  /// What a lookup saw: the file's version, or how often a remembered keyring entry has changed. Equal stamps
  /// mean nothing changed in between.
  package enum Stamp: Equatable, Sendable {
    case file(version: Int)
    case keyring(generation: Int)
  }

  package static let probeSeconds = 60.0
  package static let rereadSeconds = 10.0

  package nonisolated let file: TokenCacheStore
  package nonisolated let keyring: any Keyring
  private let environment: [String: String]
  private let now: @Sendable () -> Date
  private var readProbe: (availability: KeyringAvailability, at: Date)?
  private var probing: Task<KeyringAvailability, Never>?
  /// Keyed by the account's bytes, as the keyring keeps accounts apart (see ``ProfileName``).
  private var remembered: [ProfileName.Key: (entry: Entry?, at: Date)] = [:]
  private var reading: [ProfileName.Key: Task<Entry?, any Error>] = [:]
  /// How often each account was written or removed by this process: a read that started before a write answers
  /// its caller but is not remembered, since what it read is older than what was written.
  private var writes: [ProfileName.Key: Int] = [:]
  private var generation = 0

  package init(
    file: TokenCacheStore,
    keyring: any Keyring,
    environment: [String: String],
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.file = file
    self.keyring = keyring
    self.environment = environment
    self.now = now
  }

  // MARK: Deciding where

  /// The storage mode in force for a config whose `[__settings__]` section is `settings`.
  package nonisolated func storage(settings: [String: String]) throws(TokenStorageError) -> TokenStorage {
    try TokenStorageMode.resolve(environment: environment, settings: settings)
  }

  /// The backend reads use: the keyring for `secure`, except that a default `secure` reads the file when the
  /// keyring is definitively unreachable (nothing is persisted on this path).
  package func readingPlan(_ storage: TokenStorage) async -> TokenStoragePlan {
    guard storage.mode == .secure, !storage.source.isExplicit else {
      return storage.planForReading(keyring: .reachable)
    }
    return storage.planForReading(keyring: await probeForReading())
  }

  /// The CLI's `ProbeKeyringRead`: look up an account nobody has. "Not found" means reachable. Remembered for
  /// ``probeSeconds``; concurrent callers share one probe.
  package func probeForReading() async -> KeyringAvailability {
    if let readProbe, now().timeIntervalSince(readProbe.at) < Self.probeSeconds { return readProbe.availability }
    if let probing { return await probing.value }
    let keyring = self.keyring
    let task = Task {
      do throws(KeyringError) {
        _ = try await keyring.secret(service: KeyringTokenEntry.service, account: Self.probeAccount())
        return KeyringAvailability.reachable
      } catch {
        return Self.availability(after: error)
      }
    }
    probing = task
    let availability = await task.value
    probing = nil
    readProbe = (availability, now())
    return availability
  }

  /// The backend a login stores its tokens in (the CLI's `applyLoginFallback`): for `secure`, the CLI's
  /// `ProbeKeyring` first writes and deletes a probe entry.
  /// - Throws: ``TokenStorageError/secureStorageUnreachable(reason:)`` for an explicit `secure` without a keyring.
  package func loginPlan(_ storage: TokenStorage) async throws(TokenStorageError) -> TokenStoragePlan {
    guard storage.mode == .secure else { return storage.planForReading(keyring: .reachable) }
    let account = Self.probeAccount()
    let availability: KeyringAvailability
    do {
      let probe = KeyringTokenEntry.secret(Entry(accessToken: "probe", tokenType: nil, expiry: nil))
      try await keyring.setSecret(probe, service: KeyringTokenEntry.service, account: account)
      _ = try await keyring.deleteSecret(service: KeyringTokenEntry.service, account: account)
      availability = .reachable
    } catch {
      availability = Self.availability(after: error)
    }
    if case .reachable = availability { readProbe = (availability, now()) }
    return try storage.planForLogin(keyring: availability)
  }

  // MARK: Reading

  /// The token stored for `profile` (profile key first, then the host key older SDKs use; the keyring has only
  /// the profile key), and a stamp to tell later whether it may have changed.
  /// - Throws: ``CredentialError/tokenCacheUnusable(path:reason:)``, ``TokenStorageError``.
  package func lookup(_ profile: Profile, plan: TokenStoragePlan) async throws -> (entry: Entry?, stamp: Stamp) {
    let keys = TokenCacheFile.keys(for: profile)
    switch plan {
    case .file:
      let tokens = try await fileSnapshot()
      return (keys.lazy.compactMap { tokens.value.entry($0) }.first, .file(version: tokens.version))
    case .keyring:
      guard let account = keys.first else { return (nil, .keyring(generation: generation)) }
      let entry = try await keyringEntry(account)
      return (entry, .keyring(generation: generation))
    }
  }

  /// The tokens of many profiles at once, for a listing, under the storage mode `storage`: one read of the file, or
  /// concurrent keyring lookups. The entries are built only when asked for, so a caller that already has an answer
  /// for ``OAuthTokensByProfile/stamp`` (`listProfiles` remembers one per version of the files) pays for a `stat`, not
  /// a parse.
  /// Profiles other than OAuth ones are passed over. A profile whose token cannot be read (a broken file, a keyring
  /// error) is just missing.
  package func byProfile(_ profiles: [Profile], storage: TokenStorage) async -> OAuthTokensByProfile {
    let plan = await readingPlan(storage)
    switch plan {
    case .file:
      guard let tokens = try? await file.snapshot() else { return OAuthTokensByProfile(stamp: nil) { [:] } }
      return OAuthTokensByProfile(stamp: .file(version: tokens.version), plan: plan) {
        var entries: [ProfileName.Key: Entry] = [:]
        for profile in profiles where profile.credentialKind == .oauth {
          guard let name = profile.name else { continue }
          entries[ProfileName.Key(name)] =
            TokenCacheFile.keys(for: profile).lazy.compactMap { tokens.value.entry($0) }.first
        }
        return entries
      }
    case .keyring(let pin):
      let entries = await withTaskGroup(of: (String, Entry?).self) { group in
        for profile in profiles where profile.credentialKind == .oauth {
          guard let name = profile.name else { continue }
          group.addTask { (name, try? await self.lookup(profile, plan: .keyring(pinSecure: pin)).entry) }
        }
        var entries: [ProfileName.Key: Entry] = [:]
        for await (name, entry) in group { entries[ProfileName.Key(name)] = entry }
        return entries
      }
      return OAuthTokensByProfile(stamp: .keyring(generation: generation), plan: plan) { entries }
    }
  }

  /// Why `profile` has no token, for the error that asks the user to log in. In the keyring while the file still
  /// holds tokens, the CLI's hint that tokens of older CLI versions are no longer used.
  package func missingTokenReason(plan: TokenStoragePlan) async -> String {
    let plain = "no OAuth token is cached for it"
    guard case .keyring = plan, let tokens = try? await file.current(), !tokens.isEmpty else { return plain }
    return "no OAuth token is in the OS keyring for it, and stored credentials from older CLI versions "
      + "(\(file.path)) are no longer used: log in again, or set \(TokenStorageMode.environmentVariable)=plaintext "
      + "to keep using the file cache"
  }

  private func fileSnapshot() async throws -> (value: TokenCacheFile, version: Int) {
    do {
      return try await file.snapshot()
    } catch {
      throw CredentialError.tokenCacheUnusable(path: file.path, reason: error.reason)
    }
  }

  private func keyringEntry(_ account: String) async throws -> Entry? {
    let key = ProfileName.Key(account)
    if let known = remembered[key], now().timeIntervalSince(known.at) < Self.rereadSeconds { return known.entry }
    if let running = reading[key] { return try await running.value }
    let keyring = self.keyring
    let writesBefore = writes[key, default: 0]
    let task = Task { try await Self.read(account, from: keyring) }
    reading[key] = task
    defer { if reading[key] == task { reading[key] = nil } }
    let entry = try await task.value
    if writes[key, default: 0] == writesBefore { remember(entry, for: key) }
    return entry
  }

  /// Forgets every remembered keyring entry, so the next lookups run the tool again: for a watcher told that another
  /// process may have written the keyring.
  package func forgetKeyringEntries() {
    remembered.removeAll()
  }

  private static func read(_ account: String, from keyring: any Keyring) async throws(TokenStorageError) -> Entry? {
    do {
      return try await keyring.secret(service: KeyringTokenEntry.service, account: account).flatMap(
        KeyringTokenEntry.entry(fromSecret:)
      )
    } catch {
      throw TokenStorageError(error)
    }
  }

  private func remember(_ entry: Entry?, for key: ProfileName.Key) {
    if remembered[key]?.entry != entry { generation += 1 }
    remembered[key] = (entry, now())
  }

  /// Remembers what this process just wrote for `account`, and lets no read that started earlier join or overwrite
  /// it: later callers start a read of their own.
  private func rememberWrite(_ entry: Entry?, for account: String) {
    let key = ProfileName.Key(account)
    writes[key, default: 0] += 1
    reading[key] = nil
    remember(entry, for: key)
  }

  // MARK: Writing

  /// Stores a login's token where `plan` says, under the cross-process lock.
  package func save(_ entry: Entry, for profile: Profile, plan: TokenStoragePlan) async throws {
    let keys = TokenCacheFile.keys(for: profile)
    switch plan {
    case .file:
      try await file.update { file in file.set(entry, forKeys: keys) }
    case .keyring:
      guard let account = keys.first else { return }
      try await file.holdingLock {
        try await Self.write(entry, account: account, to: keyring, writing: true)
        rememberWrite(entry, for: account)
      }
    }
  }

  /// Signs `profile` out as `databricks auth logout` does: removes its tokens from the store the storage mode in force
  /// under `settings` reads, under the keys ``TokenCacheFile/keys(signingOut:among:)`` names for the config's
  /// `profiles`. Only an OAuth profile has tokens to remove (the CLI's logout acts only on `auth_type =
  /// databricks-cli`): a PAT profile's logout never waits on the keyring, nor touches a host key OAuth profiles use.
  /// - Returns: whether any token was there.
  package func signOut(_ profile: Profile, among profiles: [Profile], settings: [String: String]) async throws -> Bool {
    guard profile.credentialKind == .oauth else { return false }
    let plan = try await readingPlan(storage(settings: settings))
    return try await remove(keys: TokenCacheFile.keys(signingOut: profile, among: profiles), plan: plan)
  }

  /// Removes the tokens under `keys` (a logout: the profile key, and the host key unless another profile shares
  /// that host) from the backend `plan` names, as `databricks auth logout` clears only the store it resolved.
  /// - Returns: whether any was there.
  package func remove(keys: [String], plan: TokenStoragePlan) async throws -> Bool {
    switch plan {
    case .file:
      return try await file.update { file in
        let present = keys.contains { file.entry($0) != nil }
        file.remove(keys: keys)
        return present
      }
    case .keyring:
      return try await file.holdingLock {
        var removed = false
        for key in keys {
          do throws(KeyringError) {
            if try await keyring.deleteSecret(service: KeyringTokenEntry.service, account: key) { removed = true }
          } catch {
            throw TokenStorageError(error)
          }
          rememberWrite(nil, for: key)
        }
        return removed
      }
    }
  }

  /// Runs `body` on the token stored for `profile` as it is now, read again under the cross-process lock, and
  /// stores the entry `body` returns, if any, before the lock is released: the refresh protocol.
  ///
  /// `body` runs in the caller's isolation, so an actor can pass a closure over its own state.
  package func withLock<T>(
    _ profile: Profile,
    plan: TokenStoragePlan,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Entry?) async throws -> (write: Entry?, result: T)
  ) async throws -> T {
    let keys = TokenCacheFile.keys(for: profile)
    switch plan {
    case .file:
      return try await file.withLock(isolation: isolation) { cache in
        let (write, result) = try await body(keys.lazy.compactMap { cache.entry($0) }.first)
        guard let write else { return (nil, result) }
        var updated = cache
        updated.set(write, forKeys: keys)
        return (updated, result)
      }
    case .keyring:
      guard let account = keys.first else { return try await body(nil).result }
      return try await file.holdingLock(isolation: isolation) {
        let current = try await Self.read(account, from: keyring)
        await remember(current, for: ProfileName.Key(account))
        let (write, result) = try await body(current)
        if let write {
          try await Self.write(write, account: account, to: keyring, writing: false)
          await rememberWrite(write, for: account)
        }
        return result
      }
    }
  }

  private static func write(
    _ entry: Entry,
    account: String,
    to keyring: any Keyring,
    writing login: Bool
  ) async throws(TokenStorageError) {
    do {
      try await keyring.setSecret(KeyringTokenEntry.secret(entry), service: KeyringTokenEntry.service, account: account)
    } catch {
      throw TokenStorageError(error, writing: login)
    }
  }

  // MARK: Probing

  /// The CLI's probe account, `__probe_<uuid>`: no real profile has it.
  private static func probeAccount() -> String {
    "__probe_\(UUID().uuidString.lowercased())"
  }

  private static func availability(after error: KeyringError) -> KeyringAvailability {
    switch error {
    case .timedOut: .timedOut
    case .unavailable(let reason), .failed(let reason): .unreachable(reason: reason)
    }
  }
}
