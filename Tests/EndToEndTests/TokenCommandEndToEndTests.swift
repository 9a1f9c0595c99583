import Foundation
import Sandbox
import TestSupport
import Testing

/// `brickauth token` against the sandbox: `databricks auth token`'s exact document, the bare token, and a profile
/// that needs a sign-in failing with one line on stderr and nothing on stdout.
@Suite(.timeLimit(.minutes(1))) struct TokenCommandEndToEndTests {
  @Test func jsonIsTheCLIsDocumentByteForByte() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--sandbox", "token", "--profile", "admin"])
    #expect(try await process.waitForExit() == 0)
    // A personal access token does not expire: Go writes its zero time. No newline at the end, as the CLI.
    #expect(
      process.stdout == """
        {
          "access_token": "\(SandboxSeed.adminToken)",
          "token_type": "Bearer",
          "expiry": "0001-01-01T00:00:00Z"
        }
        """
    )
    #expect(process.stderr.isEmpty)
  }

  @Test func textIsTheTokenAndANewline() async throws {
    let process = try BrickauthProcess.launch(arguments: [
      "--sandbox", "token", "--profile", "user", "--output", "text",
    ])
    #expect(try await process.waitForExit() == 0)
    #expect(process.stdout == SandboxSeed.userToken + "\n")
  }

  @Test func aProfileThatNeedsASignInFailsWithOneLine() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--sandbox", "token", "--profile", "needs-login"])
    #expect(try await process.waitForExit() == 1)
    #expect(process.stdout.isEmpty)
    let lines = process.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("brickauth: profile needs-login needs a sign-in") == true)
    #expect(lines.first?.contains("run databricks auth login --profile needs-login, or login over JSON-RPC") == true)
  }
}
