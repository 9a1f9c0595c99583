import Basics
package import Foundation

/// The watches of one service process: while at least one exists, changes to the config file, the token store and
/// what the credential manager learns are turned into ``CredentialChange``s and handed to every watch that asked
/// for the profile.
///
/// - Files: a ``FileChangeWatcher`` on the config's directory and the token cache's. Its events are coalesced
///   (``quietPeriod``, at most ``longestDelay`` after the first), then one ``CredentialSnapshot`` is read and compared
///   with the last (``CredentialSnapshotDiff``): a program writing a file several times in a row is one change, and
///   each change is reported once, whoever made it (the CLI, an editor, another brickauth, this one).
/// - The OS keyring has no change notification: while a watched snapshot reads tokens from it, the keyring entries
///   are read again on every change of the files (a brickauth process writes the keyring holding the token cache's
///   lock file, whose release is such a change) and every ``keyringPollInterval`` (the CLI takes no lock).
/// - The credential manager's ``CredentialEvent``s: a refresh that needs a login is `loginRequired` (once, until the
///   profile's tokens change), and tokens nothing can renew are scheduled in ``ExpiryWarnings`` for `expiringSoon`.
///
/// With no watch nothing runs: no thread, no descriptor, no timer, and the event relay has no listener.
package actor CredentialWatches {
  /// Delivers one change to the watch with the given id.
  package typealias Delivery = @Sendable (_ watchId: String, _ change: CredentialChange) -> Void

  /// Events closer together than this are one change.
  package static let quietPeriod: Duration = .milliseconds(75)
  /// A file that keeps changing is still looked at this long after its first change.
  package static let longestDelay: Duration = .milliseconds(400)
  /// How often keyring entries are read again while a watch depends on them, unless a test asks for another interval.
  package static let defaultKeyringPollInterval: Duration = .seconds(30)

  private struct Watch {
    /// `nil`: every profile.
    var profiles: Set<ProfileName.Key>?
    var deliver: Delivery
  }

  private let config: ConfigStore
  private let tokens: OAuthTokenStore
  private let events: CredentialEventRelay
  private let describe: @Sendable (any Error) -> String
  private let now: @Sendable () -> Date
  private let keyringPollInterval: Duration
  private var watches: [String: Watch] = [:]
  private var nextID = 1
  private var watcher: FileChangeWatcher?
  private var baseline: CredentialSnapshot?
  /// Coalescing: the task that will read the next snapshot, and whether files changed since it last looked.
  private var scanning: Task<Void, Never>?
  private var changedSince = false
  private var lastChange = ContinuousClock.now
  private var keyringPoll: Task<Void, Never>?
  private var expiries = ExpiryWarnings()
  private var expiryTimer: Task<Void, Never>?
  /// Profiles already reported `loginRequired` since their tokens last changed.
  private var loginRequired: Set<ProfileName.Key> = []

  /// - Parameter describe: the message `getToken` answers for an error, used as `loginRequired`'s reason.
  /// - Parameter keyringPollInterval: how often keyring entries are read again while a watch depends on them; a test
  ///   shortens it rather than wait for the default.
  package init(
    config: ConfigStore,
    tokens: OAuthTokenStore,
    events: CredentialEventRelay,
    describe: @escaping @Sendable (any Error) -> String,
    now: @escaping @Sendable () -> Date = Date.init,
    keyringPollInterval: Duration = CredentialWatches.defaultKeyringPollInterval
  ) {
    self.config = config
    self.tokens = tokens
    self.events = events
    self.describe = describe
    self.now = now
    self.keyringPollInterval = keyringPollInterval
  }

  /// Starts a watch of `profiles` (every profile when `nil`) and returns its id. The first watch starts the file
  /// watcher and reads the snapshot later changes are compared with.
  /// - Throws: ``FileError`` when the system refuses a file watcher.
  /// The most watches held at once: each costs memory and a notification per change, so one client looping on
  /// `watchCredentials` must not grow them without end.
  package static let maximumWatches = 64

  /// A watch refused because ``maximumWatches`` are held.
  package struct TooManyWatches: Error, Equatable {
    package var limit: Int
  }

  package func watch(profiles: [String]?, deliver: @escaping Delivery) async throws -> String {
    guard watches.count < Self.maximumWatches else { throw TooManyWatches(limit: Self.maximumWatches) }
    let id = "watch-\(nextID)"
    nextID += 1
    if watcher == nil {
      // The watcher starts before the first snapshot is read, so nothing that happens in between is missed.
      watcher = try FileChangeWatcher(targets: targets) { [weak self] in
        Task { await self?.filesChanged() }
      }
      events.listen { [weak self] event in Task { await self?.received(event) } }
    }
    watches[id] = Watch(profiles: profiles.map { Set($0.map(ProfileName.Key.init)) }, deliver: deliver)
    if baseline == nil, let snapshot = await CredentialSnapshot.read(config: config, tokens: tokens) {
      if baseline == nil { adopt(snapshot) }
    }
    return id
  }

  /// Ends the watch `id`; the last one stops everything. `false` when there is no such watch.
  package func unwatch(_ id: String) -> Bool {
    guard watches.removeValue(forKey: id) != nil else { return false }
    if watches.isEmpty { stopAll() }
    return true
  }

  /// Whether anything runs for watches: the file watcher, and with it the relay's listener and the timers.
  package var isActive: Bool { watcher != nil }

  private func stopAll() {
    watcher?.stop()
    watcher = nil
    events.listen(nil)
    for task in [scanning, keyringPoll, expiryTimer] { task?.cancel() }
    (scanning, keyringPoll, expiryTimer) = (nil, nil, nil)
    baseline = nil
    changedSince = false
    expiries = ExpiryWarnings()
    loginRequired = []
  }

  private var targets: [FileChangeWatcher.Target] {
    let configPath = URL(fileURLWithPath: config.path)
    let cachePath = URL(fileURLWithPath: tokens.file.path)
    let cacheName = cachePath.lastPathComponent
    return [
      .init(directory: configPath.deletingLastPathComponent().path, names: [configPath.lastPathComponent]),
      .init(directory: cachePath.deletingLastPathComponent().path, names: [cacheName, "\(cacheName).lock"]),
    ]
  }

  // MARK: Files

  private func filesChanged() {
    guard watcher != nil else { return }
    changedSince = true
    lastChange = .now
    if scanning == nil { scanning = Task { await self.coalesceAndScan() } }
  }

  /// Waits until the files have been quiet for ``quietPeriod`` (or ``longestDelay`` has passed), reads a snapshot and
  /// reports the difference; again while changes arrived during the read.
  private func coalesceAndScan() async {
    while changedSince, !Task.isCancelled {
      let first = ContinuousClock.now
      while true {
        let due = min(lastChange + Self.quietPeriod, first + Self.longestDelay)
        if ContinuousClock.now >= due { break }
        try? await Task.sleep(until: due)
        if Task.isCancelled { return }
      }
      changedSince = false
      if baseline?.usesKeyring == true { await tokens.forgetKeyringEntries() }
      guard let snapshot = await CredentialSnapshot.read(config: config, tokens: tokens), watcher != nil else {
        continue
      }
      if let baseline {
        for change in CredentialSnapshotDiff(from: baseline, to: snapshot).changes { deliver(change) }
      }
      adopt(snapshot)
    }
    scanning = nil
  }

  /// Makes `snapshot` the one to compare with, schedules its unrenewable tokens, and polls the keyring if it used it.
  private func adopt(_ snapshot: CredentialSnapshot) {
    baseline = snapshot
    for profile in snapshot.profiles {
      if let token = profile.token, !token.renewable, let expiresAt = token.expiresAt {
        expiries.track(profile: profile.name, expiresAt: expiresAt)
      } else if profile.token == nil, let expiresAt = MintedTokenRecord.matching(profile.attributes)?.expiresAt {
        // A PAT brickauth minted: its record keeps the expiry, and nothing renews a PAT.
        expiries.track(profile: profile.name, expiresAt: expiresAt)
      } else {
        expiries.forget(profile: profile.name)
      }
    }
    scheduleExpiryWarning()
    if snapshot.usesKeyring, keyringPoll == nil {
      keyringPoll = Task { [keyringPollInterval] in
        while !Task.isCancelled {
          try? await Task.sleep(for: keyringPollInterval)
          self.filesChanged()
        }
      }
    } else if !snapshot.usesKeyring {
      keyringPoll?.cancel()
      keyringPoll = nil
    }
  }

  // MARK: What the credential manager learns

  private func received(_ event: CredentialEvent) {
    guard watcher != nil else { return }
    switch event {
    case .loginRequired(let profile, let failure):
      guard loginRequired.insert(ProfileName.Key(profile)).inserted else { return }
      deliver(CredentialChange(profile: profile, kind: .loginRequired, reason: describe(failure)))
    case .unrenewable(let profile, let expiresAt):
      expiries.track(profile: profile, expiresAt: expiresAt)
      scheduleExpiryWarning()
    }
  }

  /// Sleeps until the next `expiringSoon` is due (one timer for all profiles), then sends what is due.
  private func scheduleExpiryWarning() {
    expiryTimer?.cancel()
    expiryTimer = nil
    guard let next = expiries.nextWarning else { return }
    let delay = max(0, next.timeIntervalSince(now()))
    expiryTimer = Task {
      try? await Task.sleep(nanoseconds: UInt64(min(delay, 86_400 * 365) * 1_000_000_000))
      guard !Task.isCancelled else { return }
      self.warnExpiring()
    }
  }

  private func warnExpiring() {
    expiryTimer = nil
    for (profile, expiresAt) in expiries.due(at: now()) {
      deliver(CredentialChange(profile: profile, kind: .expiringSoon, expiresAt: expiresAt))
    }
    scheduleExpiryWarning()
  }

  // MARK: Delivering

  private func deliver(_ change: CredentialChange) {
    let key = ProfileName.Key(change.profile)
    switch change.kind {
    case .signedIn, .signedOut, .refreshed, .removed: loginRequired.remove(key)
    default: break
    }
    for (id, watch) in watches.sorted(by: { $0.key < $1.key }) where watch.profiles?.contains(key) ?? true {
      watch.deliver(id, change)
    }
  }
}
