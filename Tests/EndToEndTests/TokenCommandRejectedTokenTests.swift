import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// `brickauth token --rejected-token-stdin`: a shell script or token helper whose token Databricks refused hands that
/// token back on stdin (never on the command line, where `ps` would show it). As with `getToken`'s `rejectedToken`,
/// the refused token is replaced only while it is still the one held, so a token already replaced (by another
/// process) costs no request to Databricks.
@Suite(.timeLimit(.minutes(2))) struct TokenCommandRejectedTokenTests {
  /// Runs `brickauth token` with `stdin` as its whole input; returns the status, stdout and stderr.
  private static func token(
    _ arguments: [String],
    stdin: String,
    environment: [String: String] = [:]
  ) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = try BrickauthProcess.launch(arguments: arguments, environment: environment)
    process.send(stdin, newline: false)
    process.closeStdin()
    let status = try await process.waitForExit()
    return (status, process.stdout, process.stderr)
  }

  @Test func anOAuthTokenIsRefreshedOnceAndAReplacedOneCostsNothing() async throws {
    let sandbox = try DatabricksSandbox()
    let home = try ScratchDirectory.make(prefix: "home")
    defer { try? FileManager.default.removeItem(at: home) }
    let config = home.appendingPathComponent(".databrickscfg")
    try "[shared]\nhost = \(sandbox.baseURL.absoluteString)\n".write(to: config, atomically: true, encoding: .utf8)
    let environment = ["HOME": home.path, "DATABRICKS_CONFIG_FILE": config.path]
    let login = try await InProcessServer(environment: environment, browser: .followRedirects)
      .call("login", params: ["profile": "shared"])
    #expect(login["result"]?["status"] == "complete")
    let arguments = ["token", "--profile", "shared", "--output", "text"]

    let first = try await Self.token(arguments, stdin: "", environment: environment)
    #expect(first.status == 0)
    let refused = first.stdout.trimmingCharacters(in: .newlines)
    #expect(!refused.isEmpty, "an access token: \(first.stderr)")

    let replaced = try await Self.token(
      arguments + ["--rejected-token-stdin"],
      stdin: refused + "\n",
      environment: environment
    )
    #expect(replaced.status == 0)
    let fresh = replaced.stdout.trimmingCharacters(in: .newlines)
    #expect(!fresh.isEmpty && fresh != refused)
    #expect(sandbox.tokenRequestCount(grantType: "refresh_token") == 1)

    // Another caller reporting the same refused token (a second shell, a retry): the newer token, no request.
    let again = try await Self.token(
      arguments + ["--rejected-token-stdin"],
      stdin: refused + "\r\n",
      environment: environment
    )
    #expect(again.status == 0)
    #expect(again.stdout == fresh + "\n")
    #expect(sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
    for run in [first, replaced, again] {
      #expect(!run.stderr.contains(refused) && !run.stderr.contains(fresh), "a token reached stderr")
    }
    await sandbox.stop()
  }

  @Test func aRefusedPATNeedsASignInAndAnotherTokenGetsThePAT() async throws {
    let refused = try await Self.token(
      ["--sandbox", "token", "--profile", "user", "--rejected-token-stdin"],
      stdin: SandboxSeed.userToken
    )
    #expect(refused.status == 1)
    #expect(refused.stdout.isEmpty)
    #expect(refused.stderr.hasPrefix("brickauth: profile user needs a sign-in"))
    #expect(!refused.stderr.contains(SandboxSeed.userToken))

    let held = try await Self.token(
      ["--sandbox", "token", "--profile", "user", "--output", "text", "--rejected-token-stdin"],
      stdin: "dapi-not-the-held-one\n"
    )
    #expect(held.status == 0)
    #expect(held.stdout == SandboxSeed.userToken + "\n")
  }

  @Test(arguments: [
    ("", "no token on stdin"),
    ("\n", "no token on stdin"),
    ("two\nlines\n", "more than one line on stdin"),
    (String(repeating: "x", count: 65_537), "more than 65536 bytes on stdin"),
  ])
  func stdinThatIsNotOneTokenIsRefused(stdin: String, reason: String) async throws {
    let run = try await Self.token(
      ["--sandbox", "token", "--profile", "user", "--rejected-token-stdin"],
      stdin: stdin
    )
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr == "brickauth: --rejected-token-stdin needs the refused token on stdin: \(reason)\n")
  }
}
