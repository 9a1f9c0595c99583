import Databricks
import Foundation
import TestSupport
import Testing

@Suite struct TokenCacheStoreTests {
  static let expiry = Date(timeIntervalSince1970: 1_787_315_840.935183)

  static func entry(_ access: String) -> TokenCacheFile.Entry {
    .init(accessToken: access, tokenType: "Bearer", refreshToken: "refresh-\(access)", expiry: expiry)
  }

  func permissions(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  func contents(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// `<scratch>/home/.databricks/token-cache.json`, with neither directory created.
  func cachePath(in directory: URL) -> String {
    TokenCacheStore.defaultPath(home: directory.appendingPathComponent("home").path)
  }

  @Test func createsTheDirectoryWith0700AndTheFileWith0600() async throws {
    try await ScratchDirectory.with { directory in
      let path = cachePath(in: directory)
      let store = TokenCacheStore(path: path)
      try await store.update { $0.set(Self.entry("a"), forKeys: ["dev", "https://dev.example"]) }
      #expect(try permissions(path) == 0o600)
      #expect(try permissions(AtomicFileWriter.directory(of: path)) == 0o700)
      let written = try TokenCacheFile(bytes: try contents(path))
      #expect(written.entry("dev")?.accessToken == "a")
      #expect(written.entry("https://dev.example")?.refreshToken == "refresh-a")
      #expect(try contents(path) == written.bytes)
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: AtomicFileWriter.directory(of: path))
      #expect(Set(leftovers) == ["token-cache.json", "token-cache.json.lock"])
    }
  }

  @Test func leavesAnExistingDirectoryModeAlone() async throws {
    try await ScratchDirectory.with { directory in
      let path = cachePath(in: directory)
      let folder = AtomicFileWriter.directory(of: path)
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
      try await TokenCacheStore(path: path).update { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      #expect(try permissions(folder) == 0o755)
      #expect(try permissions(path) == 0o600)
    }
  }

  @Test func tightensAnExistingFileTo0600() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      try Data(#"{"version":1,"tokens":{}}"#.utf8).write(to: URL(fileURLWithPath: path))
      try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
      try await TokenCacheStore(path: path).update { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      #expect(try permissions(path) == 0o600)
    }
  }

  @Test func readsTheFileFreshUnderTheLockNotFromTheStatCache() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let store = TokenCacheStore(path: path)
      let other = TokenCacheStore(path: path)
      let before = try await store.snapshot()
      #expect(before.value.entry("dev") == nil)
      // Another process writes; our stat cache has not looked yet.
      try await other.update { $0.set(Self.entry("theirs"), forKeys: ["theirs"]) }
      try await store.update { $0.set(Self.entry("ours"), forKeys: ["dev"]) }
      let file = try TokenCacheFile(bytes: try contents(path))
      #expect(file.entry("theirs")?.accessToken == "theirs")
      #expect(file.entry("dev")?.accessToken == "ours")
      // Readers of the store see the write at once.
      let after = try await store.snapshot()
      #expect(after.value == file)
      #expect(after.version > before.version)
    }
  }

  @Test func returnsTheResultOfTheChange() async throws {
    try await ScratchDirectory.with { directory in
      let store = TokenCacheStore(path: directory.appendingPathComponent("token-cache.json").path)
      try await store.update { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      let previous = try await store.update { file -> String? in
        let old = file.entry("dev")?.accessToken
        file.remove(keys: ["dev"])
        return old
      }
      #expect(previous == "a")
      #expect(try await store.current().entry("dev") == nil)
    }
  }

  @Test func writesNothingWhenNothingChanges() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let store = TokenCacheStore(path: path)
      try await store.update { $0.remove(keys: ["absent"]) }
      #expect(!FileManager.default.fileExists(atPath: path))
      let odd = "{ \"version\" : 1 , \"tokens\" : { } }"
      try Data(odd.utf8).write(to: URL(fileURLWithPath: path))
      try await store.update { $0.remove(keys: ["absent"]) }
      #expect(try contents(path) == Array(odd.utf8))
    }
  }

  @Test(arguments: ["{not json", #"{"version":2,"tokens":{}}"#, "[]", #"{"version":1,"tokens":"x"}"#])
  func refusesACorruptFileAndLeavesItUntouched(_ corrupt: String) async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      try Data(corrupt.utf8).write(to: URL(fileURLWithPath: path))
      let store = TokenCacheStore(path: path)
      await #expect {
        try await store.update { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      } throws: { error in
        guard case .unusable(let errorPath, _) = error as? TokenCacheUpdateError else { return false }
        return errorPath == path
      }
      #expect(try contents(path) == Array(corrupt.utf8))
    }
  }

  @Test func namesTheProblemInTheMessage() {
    let error = TokenCacheUpdateError.unusable(path: "/h/.databricks/token-cache.json", reason: .unsupportedVersion)
    #expect(error.message == "the token cache /h/.databricks/token-cache.json is not version 1; it was left untouched")
    #expect(
      TokenCacheUpdateError.busy(path: "/c").message == "the token cache /c is locked by another process; try again"
    )
  }

  @Test func concurrentUpdatesNeverLoseAnEntry() async throws {
    try await ScratchDirectory.with { directory in
      let path = cachePath(in: directory)
      // Two stores on one file stand in for two processes: flock excludes separate opens alike.
      let stores = [TokenCacheStore(path: path), TokenCacheStore(path: path)]
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<50 {
          group.addTask {
            try await stores[index % 2].update(lockTimeoutSeconds: 60) { file in
              file.set(Self.entry("token-\(index)"), forKeys: ["profile-\(index)", "https://host-\(index).example"])
            }
          }
        }
        try await group.waitForAll()
      }
      let file = try TokenCacheFile(bytes: try contents(path))
      for index in 0..<50 {
        #expect(file.entry("profile-\(index)")?.accessToken == "token-\(index)")
        #expect(file.entry("https://host-\(index).example")?.accessToken == "token-\(index)")
      }
      #expect(try await stores[0].current() == file)
      #expect(try await stores[1].current() == file)
    }
  }

  @Test func aHeldLockMakesUpdateTimeOutWithBusy() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let store = TokenCacheStore(path: path)
      try await FileLock.withLock(store.lockPath) {
        await #expect(throws: TokenCacheUpdateError.busy(path: path)) {
          try await store.update(lockTimeoutSeconds: 0.2) { $0.set(Self.entry("a"), forKeys: ["dev"]) }
        }
      }
      #expect(!FileManager.default.fileExists(atPath: path))
      try await store.update(lockTimeoutSeconds: 0.2) { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      #expect(try await store.current().entry("dev") != nil)
    }
  }

  @Test func withLockWritesOnlyWhatTheBodyReturns() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let store = TokenCacheStore(path: path)
      let seen = try await store.withLock { file in (nil, file.entry("dev")) }
      #expect(seen == nil)
      #expect(!FileManager.default.fileExists(atPath: path))

      let written = try await store.withLock { file in
        var updated = file
        updated.set(Self.entry("refreshed"), forKeys: ["dev"])
        try await Task.sleep(for: .milliseconds(5))  // a network refresh, under the lock
        return (updated, "done")
      }
      #expect(written == "done")
      #expect(try await store.current().entry("dev")?.accessToken == "refreshed")

      struct RefreshFailed: Error {}
      let before = try contents(path)
      await #expect(throws: RefreshFailed.self) {
        try await store.withLock { file -> (TokenCacheFile?, Void) in
          var updated = file
          updated.remove(keys: ["dev"])
          throw RefreshFailed()
        }
      }
      #expect(try contents(path) == before)
    }
  }

  @Test func theRefreshProtocolSpendsARotatingRefreshTokenOnce() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let stores = [TokenCacheStore(path: path), TokenCacheStore(path: path)]
      try await stores[0].update { $0.set(Self.entry("r0"), forKeys: ["dev"]) }
      actor Spent { var tokens: [String] = []; func spend(_ token: String) { tokens.append(token) } }
      let spent = Spent()
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<10 {
          group.addTask {
            try await stores[index % 2].withLock(lockTimeoutSeconds: 60) { file -> (TokenCacheFile?, Void) in
              // Only the first one to get the lock finds the old token and refreshes it.
              guard let entry = file.entry("dev"), entry.accessToken == "r0" else { return (nil, ()) }
              await spent.spend(entry.refreshToken ?? "")
              var updated = file
              updated.set(Self.entry("r1"), forKeys: ["dev"])
              return (updated, ())
            }
          }
        }
        try await group.waitForAll()
      }
      #expect(await spent.tokens == ["refresh-r0"])
      #expect(try await stores[1].current().entry("dev")?.accessToken == "r1")
    }
  }

  @Test func writesThroughASymlinkAndKeepsTheLink() async throws {
    try await ScratchDirectory.with { directory in
      let target = directory.appendingPathComponent("real-cache.json").path
      let link = directory.appendingPathComponent("token-cache.json").path
      try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real-cache.json")
      try await TokenCacheStore(path: link).update { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real-cache.json")
      #expect(try TokenCacheFile(bytes: try contents(target)).entry("dev")?.accessToken == "a")
    }
  }

  // MARK: What is at the path is not a plain file

  /// A FIFO, a directory or a huge file at the cache's path is refused at once, by readers and writers alike.
  @Test func refusesAFIFOADirectoryOrAHugeFileAtTheCachePath() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let notRegular = FileError(path: path, reason: "not a regular file")
      let fifo = try PlantedFIFO(at: path)
      await #expect(throws: TokenCacheError.unreadable(notRegular)) {
        try await fifo.bounded { try await TokenCacheStore(path: path).current() }
      }
      await #expect(throws: TokenCacheUpdateError.unusable(path: path, reason: .unreadable(notRegular))) {
        try await fifo.bounded { try await TokenCacheStore(path: path).update { $0.remove(keys: ["dev"]) } }
      }
      try FileManager.default.removeItem(atPath: path)
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
      await #expect(throws: TokenCacheError.unreadable(notRegular)) { try await TokenCacheStore(path: path).current() }
      try FileManager.default.removeItem(atPath: path)
      #expect(FileManager.default.createFile(atPath: path, contents: nil))
      try FileHandle(forWritingAtPath: path)?.truncate(atOffset: UInt64(FileContents.sizeLimit + 1))
      await #expect(throws: TokenCacheError.unreadable(FileError(path: path, reason: "larger than 16 MiB"))) {
        try await TokenCacheStore(path: path).current()
      }
    }
  }

  /// A lock file planted as a link would have `open(O_CREAT)` create or open whatever it names.
  @Test func refusesALockFileThatIsALink() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("token-cache.json").path
      let victim = directory.appendingPathComponent("victim").path
      try FileManager.default.createSymbolicLink(atPath: path + ".lock", withDestinationPath: victim)
      let refused = TokenCacheUpdateError.lockFailed(
        FileError(path: path + ".lock", reason: "a symbolic link (not followed)")
      )
      await #expect(throws: refused) {
        try await TokenCacheStore(path: path).update { $0.set(Self.entry("a"), forKeys: ["dev"]) }
      }
      #expect(!FileManager.default.fileExists(atPath: victim))
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  /// An actor can hand `withLock` and `update` closures that use its own state: they run in its isolation.
  actor Refresher {
    let store: TokenCacheStore
    private(set) var refreshes = 0

    init(store: TokenCacheStore) { self.store = store }

    private func refreshOverTheNetwork() async -> TokenCacheFile.Entry {
      refreshes += 1
      return TokenCacheStoreTests.entry("refreshed-\(refreshes)")
    }

    func token() async throws -> String {
      try await store.withLock { file in
        if let entry = file.entry("dev"), refreshes > 0 { return (nil, entry.accessToken) }
        let fresh = await refreshOverTheNetwork()
        var updated = file
        updated.set(fresh, forKeys: ["dev"])
        return (updated, fresh.accessToken)
      }
    }

    func forget() async throws {
      try await store.update { $0.remove(keys: ["dev"]) }
      refreshes = 0
    }
  }

  @Test func actorsCanPassClosuresThatUseTheirState() async throws {
    try await ScratchDirectory.with { directory in
      let refresher = Refresher(store: TokenCacheStore(path: directory.appendingPathComponent("c.json").path))
      #expect(try await refresher.token() == "refreshed-1")
      #expect(try await refresher.token() == "refreshed-1")
      try await refresher.forget()
      #expect(try await refresher.token() == "refreshed-1")
    }
  }
}
