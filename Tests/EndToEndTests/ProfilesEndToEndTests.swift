import Foundation
import JSON
import TestSupport
import Testing

/// `listProfiles` through the built binary, with secrets planted in every file it reads: nothing the process
/// prints, on stdout or stderr, may contain them, in the good path or the error paths.
@Suite(.timeLimit(.minutes(2))) struct ProfilesEndToEndTests {
  static let secrets = ["dapiE2ESECRETPAT", "E2ECLIENTSECRET", "E2EACCESSTOKEN", "E2EREFRESHTOKEN", "E2EPASSWORD"]

  func home(config: String) throws -> URL {
    let home = try ScratchDirectory.make(prefix: "home")
    try config.write(to: home.appendingPathComponent(".databrickscfg"), atomically: true, encoding: .utf8)
    let cache = home.appendingPathComponent(".databricks")
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    try """
    {"version":1,"tokens":{"oauth":{"access_token":"E2EACCESSTOKEN","refresh_token":"E2EREFRESHTOKEN",\
    "expiry":"2030-01-01T00:00:00.5+01:00"}}}
    """.write(to: cache.appendingPathComponent("token-cache.json"), atomically: true, encoding: .utf8)
    return home
  }

  func run(home: URL, _ requests: [String]) async throws -> BrickauthProcess {
    let process = try BrickauthProcess.launch(arguments: ["--log-level", "debug"], environment: ["HOME": home.path])
    for request in requests { process.send(request) }
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    return process
  }

  func expectNoSecrets(_ process: BrickauthProcess) {
    for secret in Self.secrets {
      #expect(!process.stdout.contains(secret), "stdout leaked \(secret.prefix(6))…")
      #expect(!process.stderr.contains(secret), "stderr leaked \(secret.prefix(6))…")
    }
  }

  @Test func aColdProcessListsProfilesWithoutPrintingASecret() async throws {
    let home = try home(
      config: """
        [pat]
        host = https://p.example
        token = dapiE2ESECRETPAT
        [m2m]
        host = https://m.example
        client_id = c
        client_secret = E2ECLIENTSECRET
        [basic]
        host = https://b.example
        username = u
        password = E2EPASSWORD
        [oauth]
        host = https://o.example
        """
    )
    let process = try await run(home: home, [#"{"jsonrpc":"2.0","id":1,"method":"listProfiles"}"#])
    let profiles = try #require(process.messages.first?["result"]?["profiles"]?.arrayValue)
    #expect(profiles.compactMap { $0["authType"]?.stringValue } == ["pat", "oauth-m2m", "basic", "databricks-cli"])
    #expect(profiles[3]["credential"] == ["kind": "oauth", "cached": true, "expiresAt": "2029-12-31T23:00:00Z"])
    expectNoSecrets(process)
  }

  @Test func errorsNameTheLineButNeverTheValues() async throws {
    let home = try home(config: "[pat]\ntoken = dapiE2ESECRETPAT\nE2EPASSWORD\n")
    let process = try await run(home: home, [#"{"jsonrpc":"2.0","id":1,"method":"listProfiles"}"#])
    let error = try #require(process.messages.first?["error"])
    #expect(error["data"]?["kind"] == "config_invalid")
    #expect(error["data"]?["line"] == 3)
    expectNoSecrets(process)
  }
}
