import Databricks
import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// Several brickauth processes sharing one home refresh the same expiring token at once: the token cache lock
/// makes exactly one of them refresh, and the others use its new token, so the rotated refresh token is never sent
/// twice (the sandbox would revoke the whole token family if it were). Whichever store holds the token: the CLI's
/// token cache file, or the OS keyring (a real Secret Service that the built binaries reach with `secret-tool`).
@Suite(.timeLimit(.minutes(2))) struct RefreshAcrossProcessesTests {
  @Test func fourProcessesRefreshingAtOnceCauseOneRefreshInTheFile() async throws {
    try await refreshAtOnce(keyring: nil)
  }

  @Test(.enabled(if: SecretService.canRun))
  func fourProcessesRefreshingAtOnceCauseOneRefreshInTheKeyring() async throws {
    try await SecretService.with { service in
      try await refreshAtOnce(keyring: service)
    }
  }

  func refreshAtOnce(keyring service: SecretService?) async throws {
    var configuration = SandboxConfiguration()
    configuration.refreshTokenReuseRevokesFamily = true
    let sandbox = try DatabricksSandbox(configuration: configuration)
    let home = try ScratchDirectory.make(prefix: "home")
    defer { try? FileManager.default.removeItem(at: home) }
    let config = home.appendingPathComponent(".databrickscfg")
    try "[shared]\nhost = \(sandbox.baseURL.absoluteString)\n".write(to: config, atomically: true, encoding: .utf8)
    var environment = ["HOME": home.path, "DATABRICKS_CONFIG_FILE": config.path]
    environment.merge(service?.environment ?? [:]) { _, keyring in keyring }

    // Sign in with a token inside the 5-minute refresh margin, so every process wants to refresh it.
    sandbox.setAccessTokenLifetime(seconds: 120)
    let server = InProcessServer(
      environment: environment,
      browser: .followRedirects,
      keyring: service?.keyring() ?? InProcessServer.noKeyring
    )
    let login = try await server.call("login", params: ["profile": "shared"])
    #expect(login["result"]?["status"] == "complete")
    let pinned = service == nil ? "auth_storage = plaintext" : "auth_storage = secure"
    #expect(try String(contentsOf: config, encoding: .utf8).contains(pinned))
    sandbox.setAccessTokenLifetime(seconds: 3600)

    let processes = try (0..<4).map { _ in try BrickauthProcess.launch(environment: environment) }
    for process in processes {
      process.send(#"{"jsonrpc":"2.0","id":1,"method":"getToken","params":{"profile":"shared"}}"#)
    }
    var tokens: [String] = []
    for process in processes {
      let answer = try await process.waitUntil { $0.contains { $0["id"] == 1 } }.first { $0["id"] == 1 }
      tokens.append(answer?["result"]?["accessToken"]?.stringValue ?? "error: \(String(describing: answer?["error"]))")
      process.closeStdin()
      #expect(try await process.waitForExit() == 0)
      #expect(!process.stderr.contains("sbxrt-"), "a refresh token reached stderr")
      for token in tokens where !token.hasPrefix("error") {
        #expect(!process.stderr.contains(token), "an access token reached stderr")
      }
    }
    #expect(sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
    #expect(Set(tokens).count == 1, "every process uses the one refreshed token: \(tokens.map { $0.prefix(12) })")
    #expect(sandbox.liveRefreshTokenCount >= 1, "the token family was not revoked by a reused refresh token")
    if let service {
      let stored = try #require(try await service.secret(account: "shared"))
      #expect(KeyringTokenEntry.entry(fromSecret: stored)?.accessToken == tokens.first, "the keyring holds it")
      let file = home.appendingPathComponent(".databricks/token-cache.json")
      #expect(!FileManager.default.fileExists(atPath: file.path), "nothing went to the plaintext file")
    }
    await sandbox.stop()
  }
}
