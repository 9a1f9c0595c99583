import Databricks
import Foundation
import JSON
import Sandbox
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `watchCredentials` in the built executable, with every change made the way users make it: a second brickauth
/// process logging in and out through the sandbox, an editor saving the config by rename, a section deleted, the
/// sandbox revoking the refresh token, a token cached with no way to renew it. "Nothing" is proven structurally: after
/// an unrelated change, the first notification is the one a real change caused.
@Suite(.timeLimit(.minutes(2))) struct WatchCredentialsEndToEndTests {
  static let method = "brickauth/credentialsChanged"

  /// A home whose config has `shared` on the sandbox workspace and `other` on a host of its own (profiles sharing a
  /// host share its tokens through the cache's host key), tokens in the plaintext cache, and a
  /// `BROWSER` that follows the authorization URL (the sandbox consents), so a login completes in any process.
  struct Home {
    let sandbox: DatabricksSandbox
    let directory: URL
    let config: URL
    let environment: [String: String]

    init() throws {
      sandbox = try DatabricksSandbox()
      directory = try ScratchDirectory.make(prefix: "home")
      config = directory.appendingPathComponent(".databrickscfg")
      let browser = directory.appendingPathComponent("follow-url")
      try "#!/bin/sh\nexec /usr/bin/curl -s -L -o /dev/null --max-time 30 \"$1\"\n".write(
        to: browser,
        atomically: true,
        encoding: .utf8
      )
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: browser.path)
      environment = [
        "HOME": directory.path, "DATABRICKS_CONFIG_FILE": config.path, "DATABRICKS_AUTH_STORAGE": "plaintext",
        "BROWSER": browser.path, "PATH": "/usr/bin:/bin",
      ]
      try save(profiles: ["shared": "", "other": ""])
    }

    /// The config with these sections (`shared` on the sandbox, any other on a host named after it, each with
    /// `extra` lines), saved as editors save: a new file renamed over the old one.
    func save(profiles: KeyValuePairs<String, String>) throws {
      let text = profiles.map { "[\($0.key)]\nhost = \(host($0.key))\n\($0.value)" }.joined(separator: "\n")
      try text.write(to: config, atomically: true, encoding: .utf8)
    }

    func host(_ profile: String) -> String {
      profile == "shared" ? sandbox.baseURL.absoluteString : "https://\(profile).cloud.databricks.com"
    }

    /// Adds a `[sentinel]` section to the config as it is (by rename): a real change to end a sequence with.
    func addSentinel() throws {
      let text = try String(contentsOf: config, encoding: .utf8) + "\n[sentinel]\nhost = \(host("sentinel"))\n"
      try text.write(to: config, atomically: true, encoding: .utf8)
    }

    /// A service process watching every profile, once its watch has answered.
    func watcher() async throws -> BrickauthProcess {
      let process = try BrickauthProcess.launch(environment: environment)
      process.send(#"{"jsonrpc":"2.0","id":"watch","method":"watchCredentials"}"#)
      let answered = try await process.waitUntil { $0.contains { $0["id"] == "watch" } }
      #expect(answered.first { $0["id"] == "watch" }?["result"]?["watchId"]?.stringValue != nil)
      return process
    }

    /// Signs `profile` in from a process of its own (the second brickauth), through the sandbox's consent.
    func logIn(_ profile: String) async throws {
      let process = try BrickauthProcess.launch(environment: environment)
      process.send(#"{"jsonrpc":"2.0","id":1,"method":"login","params":{"profile":"\#(profile)","waitSeconds":60}}"#)
      let answer = try await process.waitUntil { $0.contains { $0["id"] == 1 } }.first { $0["id"] == 1 }
      #expect(answer?["result"]?["status"] == "complete", "\(String(describing: answer))")
      process.closeStdin()
      #expect(try await process.waitForExit() == 0)
    }

    func close() async {
      await sandbox.stop()
      try? FileManager.default.removeItem(at: directory)
    }
  }

  /// The watcher's notifications so far, as "profile change".
  static func changes(_ process: BrickauthProcess) -> [String] {
    process.messages.filter { $0["method"] == .string(method) }.map {
      "\($0["params"]?["profile"]?.stringValue ?? "?") \($0["params"]?["change"]?.stringValue ?? "?")"
    }
  }

  static func waitFor(_ change: String, in process: BrickauthProcess) async throws -> [String] {
    _ = try await process.waitUntil { _ in changes(process).contains(change) }
    return changes(process)
  }

  @Test func aLoginAndALogoutInAnotherProcessAreSignedInAndSignedOut() async throws {
    let home = try Home()
    let watcher = try await home.watcher()
    try await home.logIn("shared")
    let afterLogin = try await Self.waitFor("shared signedIn", in: watcher)
    let signedIn = watcher.messages.first { $0["params"]?["change"] == "signedIn" }?["params"]
    #expect(signedIn?["expiresAt"]?.stringValue?.hasSuffix("Z") == true)
    #expect(signedIn?["watchId"] != nil)

    let second = try BrickauthProcess.launch(environment: home.environment)
    second.send(#"{"jsonrpc":"2.0","id":1,"method":"getToken","params":{"profile":"shared"}}"#)
    second.send(#"{"jsonrpc":"2.0","id":2,"method":"logout","params":{"profile":"shared"}}"#)
    let answers = try await second.waitUntil { messages in
      [1, 2].allSatisfy { id in messages.contains { $0["id"] == .int(id) } }
    }
    let token = try #require(answers.first { $0["id"] == 1 }?["result"]?["accessToken"]?.stringValue)
    let afterLogout = try await Self.waitFor("shared signedOut", in: watcher)
    #expect(afterLogout.filter { $0 == "shared signedIn" }.count == 1, "\(afterLogout)")
    #expect(!afterLogin.contains("other signedIn"))
    #expect(!watcher.stdout.contains(token) && !watcher.stdout.contains("sbxrt-"), "no secret in a notification")
    second.closeStdin()
    watcher.closeStdin()
    #expect(try await watcher.waitForExit() == 0)
    #expect(try await second.waitForExit() == 0)
    await home.close()
  }

  @Test func renameSavesAreEditsDeletedSectionsRemovalsAndOtherFilesNothing() async throws {
    let home = try Home()
    let watcher = try await home.watcher()
    // Files next to the config that are not it: an editor's swap file saved by rename, a note, a backup.
    for name in ["notes.txt", ".databrickscfg.swp", ".databrickscfg.bak"] {
      try "[other]\nhost = https://elsewhere.example\n".write(
        to: home.directory.appendingPathComponent(name),
        atomically: true,
        encoding: .utf8
      )
    }
    try home.save(profiles: ["shared": "", "other": "cluster_id = 1\n"])
    let edited = try await Self.waitFor("other edited", in: watcher)
    #expect(edited == ["other edited"], "the unrelated files caused nothing")

    // Several writes in a row, in place (as go-ini saves), are one change.
    for value in 1...5 {
      let text =
        "[shared]\nhost = \(home.host("shared"))\ncluster_id = \(value)\n\n"
        + "[other]\nhost = \(home.host("other"))\ncluster_id = 1\n"
      try text.write(to: home.config, atomically: false, encoding: .utf8)
      // A thread's sleep, not a task's: on a busy test run a task may resume much later than asked.
      usleep(5_000)
    }
    _ = try await Self.waitFor("shared edited", in: watcher)
    try home.addSentinel()
    let coalesced = try await Self.waitFor("sentinel added", in: watcher)
    #expect(coalesced == ["other edited", "shared edited", "sentinel added"], "five writes, one change")

    try home.save(profiles: ["shared": "cluster_id = 5\n", "sentinel": ""])
    let removed = try await Self.waitFor("other removed", in: watcher)
    #expect(removed.last == "other removed" && removed.count == 4)
    watcher.closeStdin()
    #expect(try await watcher.waitForExit() == 0)
    await home.close()
  }

  @Test func aRefreshTheSandboxRefusesIsLoginRequiredWithGetTokensReason() async throws {
    let home = try Home()
    try await home.logIn("shared")
    let cache = TokenCacheStore(path: TokenCacheStore.defaultPath(home: home.directory.path))
    let refreshToken = try #require(try await cache.current().entry("shared")?.refreshToken)
    #expect(home.sandbox.revokeRefreshToken(refreshToken))

    let watcher = try await home.watcher()
    for id in [1, 2] {
      watcher.send(
        #"{"jsonrpc":"2.0","id":\#(id),"method":"getToken","params":{"profile":"shared","forceRefresh":true}}"#
      )
      _ = try await watcher.waitUntil { $0.contains { $0["id"] == .int(Int64(id)) } }
    }
    let refused = try #require(watcher.messages.first { $0["id"] == 1 }?["error"])
    #expect(refused["data"]?["kind"] == "auth_required")
    _ = try await Self.waitFor("shared loginRequired", in: watcher)
    let notification = watcher.messages.first { $0["params"]?["change"] == "loginRequired" }?["params"]
    #expect(notification?["reason"] == refused["message"])
    // A second refusal of the same token is not news: the next notification is the sentinel's.
    try home.addSentinel()
    let all = try await Self.waitFor("sentinel added", in: watcher)
    #expect(all == ["shared loginRequired", "sentinel added"])
    #expect(!watcher.stdout.contains(refreshToken))
    watcher.closeStdin()
    #expect(try await watcher.waitForExit() == 0)
    await home.close()
  }

  @Test func aCachedTokenWithoutARefreshTokenIsExpiringSoonFiveMinutesBeforeItEnds() async throws {
    let home = try Home()
    let expiry = Date().addingTimeInterval(ExpiryWarnings.lead + 1)
    let cache = TokenCacheStore(path: TokenCacheStore.defaultPath(home: home.directory.path))
    try await cache.update { file in
      file.set(.init(accessToken: "no-refresh-token", refreshToken: nil, expiry: expiry), forKeys: ["shared"])
    }
    let watcher = try await home.watcher()
    let warned = try await Self.waitFor("shared expiringSoon", in: watcher)
    #expect(warned == ["shared expiringSoon"])
    let notification = watcher.messages.first { $0["params"]?["change"] == "expiringSoon" }?["params"]
    #expect(
      notification?["expiresAt"]?.stringValue.flatMap(RFC3339.parse).map { abs($0.timeIntervalSince(expiry)) < 1 }
        == true
    )
    #expect(!watcher.stdout.contains("no-refresh-token"))
    watcher.closeStdin()
    #expect(try await watcher.waitForExit() == 0)
    await home.close()
  }

  /// No watch, no thread and no inotify descriptor; the last unwatch takes both away; EOF ends the process.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/task")))
  func aWatchCostsAThreadAndADescriptorOnlyWhileItLasts() async throws {
    let home = try Home()
    let process = try BrickauthProcess.launch(environment: home.environment)
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
    _ = try await process.waitForLines(1)
    let pid = process.processIdentifier
    #expect(!Self.hasWatcher(pid))
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"watchCredentials","params":{"profiles":["shared"]}}"#)
    let watchId = try #require(
      try await process.waitUntil { $0.contains { $0["id"] == 2 } }.first { $0["id"] == 2 }?["result"]?["watchId"]?
        .stringValue
    )
    #expect(Self.hasWatcher(pid))
    process.send(#"{"jsonrpc":"2.0","id":3,"method":"unwatchCredentials","params":{"watchId":"\#(watchId)"}}"#)
    _ = try await process.waitUntil { $0.contains { $0["id"] == 3 } }
    let deadline = Date(timeIntervalSinceNow: 20)
    while Self.hasWatcher(pid) {
      guard Date() < deadline else { throw TestTimeout(what: "the watcher thread and descriptor to go") }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    process.send(#"{"jsonrpc":"2.0","id":4,"method":"watchCredentials"}"#)
    _ = try await process.waitUntil { $0.contains { $0["id"] == 4 } }
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    await home.close()
  }

  /// Whether process `pid` has the watcher's thread or an inotify descriptor.
  static func hasWatcher(_ pid: Int32) -> Bool {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    let thread = tasks.contains { task in
      (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8))?.hasPrefix("brickauth.watch")
        == true
    }
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
    let inotify = fds.contains { fd in
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")) == "anon_inode:inotify"
    }
    return thread || inotify
  }
}
