import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// Several brickauth processes sharing one home refresh the same expiring token at once: the token cache lock
/// makes exactly one of them refresh, and the others use its new token, so the rotated refresh token is never sent
/// twice (the sandbox would revoke the whole token family if it were).
@Suite(.timeLimit(.minutes(2))) struct RefreshAcrossProcessesTests {
  @Test func fourProcessesRefreshingAtOnceCauseOneRefresh() async throws {
    var configuration = SandboxConfiguration()
    configuration.refreshTokenReuseRevokesFamily = true
    let sandbox = try DatabricksSandbox(configuration: configuration)
    let home = try ScratchDirectory.make(prefix: "home")
    defer { try? FileManager.default.removeItem(at: home) }
    let config = home.appendingPathComponent(".databrickscfg")
    try "[shared]\nhost = \(sandbox.baseURL.absoluteString)\n".write(to: config, atomically: true, encoding: .utf8)
    let environment = ["HOME": home.path, "DATABRICKS_CONFIG_FILE": config.path]

    // Sign in with a token inside the 5-minute refresh margin, so every process wants to refresh it.
    sandbox.setAccessTokenLifetime(seconds: 120)
    let server = InProcessServer(environment: environment, browser: .followRedirects)
    let login = try await server.call("login", params: ["profile": "shared"])
    #expect(login["result"]?["status"] == "complete")
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
    }
    #expect(sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
    #expect(Set(tokens).count == 1, "every process uses the one refreshed token: \(tokens.map { $0.prefix(12) })")
    #expect(sandbox.liveRefreshTokenCount >= 1, "the token family was not revoked by a reused refresh token")
    await sandbox.stop()
  }
}
