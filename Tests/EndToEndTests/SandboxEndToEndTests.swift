import Foundation
import JSON
import Sandbox
import TestSupport
import Testing

/// `brickauth --sandbox` as a newcomer runs it: a real session against the emulated workspace, ending at EOF,
/// with nothing secret on stderr even at the most verbose log level.
@Suite(.timeLimit(.minutes(2))) struct SandboxEndToEndTests {
  @Test func aSandboxSessionWorksAndNeverPrintsATokenOnStderr() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--sandbox", "--log-level", "debug"])
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"createToken","params":{"comment":"e2e"}}"#)
    let created = try await process.waitUntil { $0.contains { $0["id"] == 1 } }
    let value = try #require(created.first { $0["id"] == 1 }?["result"]?["tokenValue"]?.stringValue)
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"listTokens","params":{"scope":"workspace"}}"#)
    process.send(#"{"jsonrpc":"2.0","id":3,"method":"listTokens","params":{"profile":"user","scope":"workspace"}}"#)
    process.send(#"{"jsonrpc":"2.0","id":4,"method":"revokeToken","params":{"tokenId":"nope"}}"#)
    process.send(#"{"jsonrpc":"2.0","id":5,"method":"listProfiles","params":{"validate":true}}"#)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    let messages = process.messages
    #expect(messages.first { $0["id"] == 2 }?["result"]?["tokens"]?.arrayValue?.count == 4)
    #expect(messages.first { $0["id"] == 3 }?["error"]?["data"]?["kind"] == "permission_denied")
    #expect(messages.first { $0["id"] == 4 }?["error"]?["data"]?["kind"] == "not_found")
    #expect(
      messages.first { $0["id"] == 5 }?["result"]?["profiles"]?.arrayValue?.map { $0["valid"] }
        == [true, true, false, true]
    )
    for secret in [value, SandboxSeed.adminToken, SandboxSeed.userToken] {
      #expect(!process.stderr.contains(secret), "stderr leaked a token")
    }
    // The token value appears exactly once on stdout: in createToken's result.
    #expect(process.stdout.components(separatedBy: value).count == 2)
    #expect(process.stderr.contains("brickauth: sandbox workspace at http://127.0.0.1:"))
    // The throwaway home is removed at exit.
    let home = process.stderr.split(separator: "\n").first { $0.hasPrefix("brickauth: sandbox home ") }
    let directory = try #require(home?.dropFirst("brickauth: sandbox home ".count).split(separator: ",").first)
    #expect(!FileManager.default.fileExists(atPath: String(directory)))
  }

  @Test func anOAuthLoginAndRefreshNeverPrintCodesVerifiersOrTokens() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--sandbox", "--log-level", "debug"])
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"login","params":{"profile":"needs-login"}}"#)
    _ = try await process.waitUntil { $0.contains { $0["id"] == 1 } }
    process.send(
      #"{"jsonrpc":"2.0","id":2,"method":"getToken","params":{"profile":"needs-login","forceRefresh":true}}"#
    )
    let answers = try await process.waitUntil { $0.contains { $0["id"] == 2 } }
    let token = try #require(answers.first { $0["id"] == 2 }?["result"]?["accessToken"]?.stringValue)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(answers.first { $0["id"] == 1 }?["result"]?["status"] == "complete")
    // The sandbox's codes and refresh tokens carry recognisable prefixes; the verifier never leaves the process.
    for secret in [token, "sbxcode-", "sbxrt-", "code_verifier", "refresh_token"] {
      #expect(!process.stderr.contains(secret), "stderr shows \(secret.prefix(8))…")
      #expect(!process.stdout.contains("sbxrt-") && !process.stdout.contains("sbxcode-"))
    }
    // The authorization URL is reported (it carries only the public challenge and state).
    #expect(process.stderr.contains("code_challenge="))
  }
}
