import Basics
import Databricks
import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// OAuth tokens in the OS keyring, against a real Secret Service (GNOME Keyring on a private D-Bus, reached with
/// `secret-tool`) and the sandbox's OIDC endpoints: where `login` stores, `getToken` refreshes and `logout`
/// removes, a keyring entry in the CLI's own format being used, and the CLI's fallbacks when no keyring is there.
///
/// The config starts with no `auth_storage`, so the mode is the CLI's default, `secure`.
@Suite(.enabled(if: SecretService.canRun), .timeLimit(.minutes(1))) struct KeyringTests {
  /// A sandbox whose config leaves the storage mode at its default, served with `keyring` in `environment`.
  func withWorld(
    _ environment: [String: String],
    keyring: any Keyring,
    _ body: (SandboxedServer) async throws -> Void
  ) async throws {
    try await SandboxedServer.with(environment: environment, keyring: keyring) { world in
      try edit(world.home.configFile) { $0.replacingOccurrences(of: "auth_storage = plaintext\n", with: "") }
      try await body(world)
    }
  }

  func edit(_ file: URL, _ change: (String) -> String) throws {
    try change(String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
  }

  func config(_ world: SandboxedServer) throws -> String {
    try String(contentsOf: world.home.configFile, encoding: .utf8)
  }

  func tokenCacheFile(_ world: SandboxedServer) -> URL {
    world.home.directory.appendingPathComponent(".databricks/token-cache.json")
  }

  /// The token in the keyring entry for `account`, decoded as the CLI decodes it.
  func keyringToken(_ service: SecretService, _ account: String) async throws -> JSONValue? {
    guard let secret = try await service.secret(account: account) else { return nil }
    return try JSONParser.parse(Array(secret.utf8))["token"]
  }

  @Test func aLoginStoresTheTokensInTheKeyringAsTheCLIDoes() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let result = try await world.result("login", ["profile": "needs-login"])
        #expect(result["status"] == "complete")
        let secret = try #require(try await service.secret(account: "needs-login"))
        let token = try #require(try JSONParser.parse(Array(secret.utf8))["token"])
        #expect(token["access_token"]?.stringValue?.isEmpty == false)
        #expect(token["token_type"] == "Bearer")
        #expect(token["refresh_token"]?.stringValue?.hasPrefix("sbxrt-") == true)
        #expect(RFC3339.parse(token["expiry"]?.stringValue ?? "") != nil)
        #expect(secret.hasPrefix(#"{"token":{"access_token":""#), "Go's field order, compact")
        // Where go-keyring looks: the login collection, its attributes and label, and no host-key entry.
        let items = try await service.items()
        #expect(items.contains("label = Password for 'needs-login' on 'databricks-cli'"))
        #expect(items.contains("attribute.username = needs-login"))
        #expect(try await service.loginCollectionItems().count == 1)
        #expect(try await service.secret(account: world.sandbox.baseURL.absoluteString) == nil)
        #expect(!FileManager.default.fileExists(atPath: tokenCacheFile(world).path), "no plaintext copy")
        // A default-secure login that reached the keyring pins the mode, as the CLI's PinSecureMode does.
        #expect(try config(world).contains("auth_storage = secure"))
        let listed = try await world.result("listProfiles")["profiles"]?.arrayValue ?? []
        let profile = try #require(listed.first { $0["name"] == "needs-login" })
        #expect(profile["credential"]?["cached"] == true)
        let storage = try await world.result("describeProfile", ["profile": "needs-login"])["tokenStorage"]
        #expect(storage == ["mode": "secure", "source": "config", "location": "OS keyring (service: databricks-cli)"])
      }
    }
  }

  /// A profile name reaches `secret-tool`'s command line: one that starts with `-` must be an attribute value, not an
  /// option (`-h` would print the help, exit 0 and be read as the secret), and one with a NUL byte would be cut there
  /// and name another profile's entry.
  @Test func aNameThatLooksLikeAnOptionOrHidesANulReachesNoOtherEntry() async throws {
    try await SecretService.with { service in
      let keyring = service.keyring()
      #expect(try await keyring.secret(service: KeyringTokenEntry.service, account: "-h") == nil)
      #expect(try await keyring.secret(service: KeyringTokenEntry.service, account: "--help") == nil)
      try await keyring.setSecret("dash", service: KeyringTokenEntry.service, account: "-h")
      #expect(try await keyring.secret(service: KeyringTokenEntry.service, account: "-h") == "dash")
      #expect(try await keyring.deleteSecret(service: KeyringTokenEntry.service, account: "-h"))
      try await service.store("the a token", account: "a")
      await #expect(throws: KeyringError.self) {
        try await keyring.setSecret("overwrites a", service: KeyringTokenEntry.service, account: "a\u{0}b")
      }
      await #expect(throws: KeyringError.self) {
        try await keyring.secret(service: KeyringTokenEntry.service, account: "a\u{0}b")
      }
      await #expect(throws: KeyringError.self) {
        try await keyring.deleteSecret(service: KeyringTokenEntry.service, account: "a\u{0}b")
      }
      #expect(try await service.secret(account: "a") == "the a token")
    }
  }

  /// Names no store can hold are refused as params before anything is written: not the keyring, not the config.
  @Test func aLoginToAnUnrepresentableNameWritesNothing() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let before = try config(world)
        for name in ["a\u{0}b", "-h", "--help", "a]b", "a\nb", " padded", "__settings__", "tab\tname"] {
          let host = JSONValue.string(world.sandbox.baseURL.absoluteString)
          let error = try await world.error("login", ["profile": .string(name), "host": host])
          #expect(error["code"] == -32602, "\(name.debugDescription)")
          #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/profile", "\(name.debugDescription)")
        }
        #expect(try await service.items().contains("attribute.username") == false, "nothing reached the keyring")
        #expect(try config(world) == before)
      }
    }
  }

  @Test func getTokenRefreshesOnceAndUpdatesTheKeyring() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        world.sandbox.setAccessTokenLifetime(seconds: 120)  // inside the 5-minute refresh margin
        _ = try await world.result("login", ["profile": "needs-login"])
        let before = try #require(try await keyringToken(service, "needs-login"))
        world.sandbox.setAccessTokenLifetime(seconds: 3600)
        let results = try await withThrowingTaskGroup(of: JSONValue.self) { group in
          for _ in 0..<20 { group.addTask { try await world.result("getToken", ["profile": "needs-login"]) } }
          return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
        }
        #expect(world.sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
        let after = try #require(try await keyringToken(service, "needs-login"))
        #expect(Set(results.map { $0["accessToken"] }) == [after["access_token"] ?? .null])
        #expect(after["access_token"] != before["access_token"])
        #expect(after["refresh_token"] != before["refresh_token"], "the sandbox rotates refresh tokens")
      }
    }
  }

  @Test func logoutRemovesTheKeyringEntry() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        _ = try await world.result("login", ["profile": "needs-login"])
        #expect(try await service.secret(account: "needs-login") != nil)
        let out = try await world.result("logout", ["profile": "needs-login"])
        #expect(out["removedCredentials"] == true)
        #expect(try await service.secret(account: "needs-login") == nil)
        #expect(try await service.loginCollectionItems().isEmpty)
        let error = try await world.error("getToken", ["profile": "needs-login"])
        #expect(error["data"]?["kind"] == "auth_required")
      }
    }
  }

  @Test func aKeyringEntryWrittenByTheCLIIsUsed() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let access = try #require(world.sandbox.workspace.issueOAuthAccessToken(userName: "user@sandbox.example"))
        // What the CLI's keyring.go stores: json.Marshal of {"token": oauth2.Token}, here with expires_in and an
        // expiry in another offset, as a CLI in another time zone writes it.
        let expiry = RFC3339.goLocalString(
          Date(timeIntervalSinceNow: 3000),
          timeZone: TimeZone(secondsFromGMT: -18000)!
        )
        try await service.store(
          #"{"token":{"access_token":"\#(access)","token_type":"Bearer","expiry":"\#(expiry)","expires_in":3000}}"#,
          account: "needs-login"
        )
        let token = try await world.result("getToken", ["profile": "needs-login"])
        #expect(token["accessToken"] == .string(access))
        let described = try await world.result("describeProfile", ["profile": "needs-login"])
        #expect(described["valid"] == true)
        #expect(described["user"]?["userName"] == "user@sandbox.example")
        #expect(!FileManager.default.fileExists(atPath: tokenCacheFile(world).path), "nothing was written")
      }
    }
  }

  /// A watching service of its own (its own config store and token store, so nothing it remembers is updated by the
  /// other instance's writes) over `world`'s home and `service`'s keyring, and a place for the changes it delivers.
  func watchingInstance(
    _ world: SandboxedServer,
    _ service: SecretService,
    keyringPollInterval: Duration = CredentialWatches.defaultKeyringPollInterval
  ) -> (watches: CredentialWatches, delivered: Locked<[CredentialChange]>) {
    let environment = world.server.services.environment
    let watches = CredentialWatches(
      config: ConfigStore(path: world.home.configFile.path, environment: environment),
      tokens: OAuthTokenStore(
        file: TokenCacheStore(path: TokenCacheStore.defaultPath(home: world.home.directory.path)),
        keyring: service.keyring(),
        environment: environment,
        // A clock that stands still: a remembered entry never goes stale by itself, so only the watch's re-read
        // (and nothing the token store does on a timer) can show the other instance's write.
        now: { [start = Date()] in start }
      ),
      events: CredentialEventRelay(),
      describe: { "\($0)" },
      keyringPollInterval: keyringPollInterval
    )
    return (watches, Locked([]))
  }

  /// Another brickauth logs in and out with the token in the keyring: the keyring sends no notice, but the other
  /// process's token cache lock changes a watched file, and the watch reads the keyring entries again then (with the
  /// default 30 s poll, which this test does not wait for).
  @Test func aWatchSeesAnotherInstancesKeyringLoginAndLogout() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let (watches, delivered) = watchingInstance(world, service)
        let id = try await watches.watch(profiles: ["needs-login"]) { _, change in
          delivered.withLock { $0.append(change) }
        }
        _ = try await world.result("login", ["profile": "needs-login"])
        #expect(try await service.secret(account: "needs-login") != nil, "the token went to the keyring")
        #expect(try await delivered.waitForCount(1).map(\.kind) == [.signedIn])
        _ = try await world.result("logout", ["profile": "needs-login"])
        let changes = try await delivered.waitForCount(2)
        #expect(changes.map(\.kind) == [.signedIn, .signedOut])
        #expect(changes.allSatisfy { $0.profile == "needs-login" })
        #expect(await watches.unwatch(id))
      }
    }
  }

  /// The CLI writes and deletes keyring entries without touching any file brickauth watches: only the poll sees it.
  @Test func aWatchPollsTheKeyringForAWriteThatTouchesNoFile() async throws {
    try await SecretService.with { service in
      try await withWorld(
        ["DATABRICKS_AUTH_STORAGE": "secure"].merging(service.environment) { $1 },
        keyring: service.keyring()
      ) { world in
        // The keyring is up and holds no entry yet: the watch's first look finds none and remembers that.
        #expect(try await service.secret(account: "needs-login") == nil)
        let (watches, delivered) = watchingInstance(world, service, keyringPollInterval: .milliseconds(50))
        let id = try await watches.watch(profiles: ["needs-login"]) { _, change in
          delivered.withLock { $0.append(change) }
        }
        let expiry = RFC3339.goLocalString(Date(timeIntervalSinceNow: 3000), timeZone: .current)
        try await service.store(
          #"{"token":{"access_token":"cli-written","token_type":"Bearer","expiry":"\#(expiry)"}}"#,
          account: "needs-login"
        )
        #expect(try await delivered.waitForCount(1).map(\.kind) == [.signedIn])
        #expect(try await service.keyring().deleteSecret(service: KeyringTokenEntry.service, account: "needs-login"))
        #expect(try await delivered.waitForCount(2).map(\.kind) == [.signedIn, .signedOut])
        #expect(await watches.unwatch(id))
      }
    }
  }

  @Test func aDefaultSecureModeWithoutAKeyringUsesTheFileAndPinsPlaintext() async throws {
    // A bus with no Secret Service on it: secret-tool answers at once that nobody provides it.
    try await SecretService.with(withKeyring: false) { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let configBefore = try config(world)
        let described = try await world.result("describeProfile", ["profile": "needs-login"])["tokenStorage"]
        #expect(described?["mode"] == "plaintext")
        #expect(described?["fallbackReason"]?.stringValue?.contains("org.freedesktop.secrets") == true)
        #expect(try config(world) == configBefore, "reading falls back without writing anything")
        _ = try await world.result("login", ["profile": "needs-login"])
        let cache = try JSONParser.parse(Array(try Data(contentsOf: tokenCacheFile(world))))
        #expect(cache["tokens"]?["needs-login"]?["access_token"] != nil)
        #expect(try config(world).contains("auth_storage = plaintext"), "the CLI persists the fallback")
        #expect(try await world.result("getToken", ["profile": "needs-login"])["accessToken"] != nil)
      }
    }
  }

  @Test func aDefaultSecureModeWithoutAKeyringReadsTheFileAnOlderCLIWrote() async throws {
    try await SecretService.with(withKeyring: false) { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let access = try #require(world.sandbox.workspace.issueOAuthAccessToken(userName: "admin@sandbox.example"))
        let folder = tokenCacheFile(world).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let expiry = RFC3339.goLocalString(Date(timeIntervalSinceNow: 3000), timeZone: .current)
        let file = #"{"version":1,"tokens":{"needs-login":{"access_token":"\#(access)","expiry":"\#(expiry)"}}}"#
        try Data(file.utf8).write(to: tokenCacheFile(world))
        let configBefore = try config(world)
        #expect(try await world.result("getToken", ["profile": "needs-login"])["accessToken"] == .string(access))
        let listed = try await world.result("listProfiles")["profiles"]?.arrayValue ?? []
        #expect(listed.first { $0["name"] == "needs-login" }?["credential"]?["cached"] == true)
        #expect(try config(world) == configBefore, "the read fallback persists nothing")
      }
    }
  }

  @Test func anExplicitSecureModeWithoutAKeyringIsAnErrorBeforeTheBrowser() async throws {
    try await SecretService.with(withKeyring: false) { service in
      var environment = service.environment
      environment["DATABRICKS_AUTH_STORAGE"] = "secure"
      try await withWorld(environment, keyring: service.keyring()) { world in
        let error = try await world.error("login", ["profile": "needs-login"])
        #expect(error["data"]?["kind"] == "auth_failed")
        #expect(
          error["message"]?.stringValue?.hasPrefix(
            "secure storage was requested but the OS keyring is not reachable:"
          ) == true
        )
        #expect(world.sandbox.callCount("GET", "/oidc/v1/authorize") == 0, "no browser step was started")
        let read = try await world.error("getToken", ["profile": "needs-login"])
        #expect(read["data"]?["kind"] == "auth_required")
        #expect(read["message"]?.stringValue?.hasPrefix("OS keyring unreachable:") == true)
        #expect(!FileManager.default.fileExists(atPath: tokenCacheFile(world).path), "never a silent downgrade")
      }
    }
  }

  @Test func aTokenLeftInTheFileByAnOlderCLIIsNamedWhenTheKeyringHasNone() async throws {
    try await SecretService.with { service in
      try await withWorld(service.environment, keyring: service.keyring()) { world in
        let folder = tokenCacheFile(world).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let old = #"{"version":1,"tokens":{"needs-login":{"access_token":"x","expiry":"0001-01-01T00:00:00Z"}}}"#
        try Data(old.utf8).write(to: tokenCacheFile(world))
        let error = try await world.error("getToken", ["profile": "needs-login"])
        #expect(error["data"]?["kind"] == "auth_required")
        #expect(error["message"]?.stringValue?.contains("older CLI versions") == true)
        #expect(error["message"]?.stringValue?.contains("DATABRICKS_AUTH_STORAGE=plaintext") == true)
      }
    }
  }

  @Test func aHungKeyringTimesOutInsteadOfHangingTheRequest() async throws {
    // A `secret-tool` that never answers, as one waiting on a password prompt nobody sees.
    let folder = try ScratchDirectory.make(prefix: "hung-keyring")
    defer { try? FileManager.default.removeItem(at: folder) }
    let tool = folder.appendingPathComponent("secret-tool")
    // Written by another process: a script this process held open for writing could be inherited by a program
    // another test spawns at that moment, and then fail to start with ETXTBSY ("text file busy").
    let written = try await BoundedProcess.run(
      ["/bin/sh", "-c", "cat > \"$0\" && chmod 700 \"$0\"", tool.path],
      input: Array("#!/bin/sh\nexec sleep 30\n".utf8),
      environment: ["PATH": "/usr/bin:/bin"],
      timeoutSeconds: 10
    )
    try #require(written.status == 0)
    let keyring = CommandLineKeyring(
      tool: SecretTool(executable: tool.path),
      environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"],
      timeoutSeconds: 0.3
    )
    try await withWorld(["DATABRICKS_AUTH_STORAGE": "secure"], keyring: keyring) { world in
      let error = try await world.error("getToken", ["profile": "needs-login"])
      #expect(error["data"]?["kind"] == "timeout")
      #expect(error["data"]?["retryable"] == true)
      #expect(error["message"]?.stringValue?.hasPrefix("keyring get timed out") == true)
      // A PAT profile never waits on the keyring: its getToken and its logout answer (a wait would be a timeout).
      #expect(
        try await world.result("getToken", ["profile": "admin"])["accessToken"] == .string(world.sandbox.adminToken)
      )
      #expect(try await world.result("logout", ["profile": "admin"])["removedCredentials"] == false)
    }
  }
}
