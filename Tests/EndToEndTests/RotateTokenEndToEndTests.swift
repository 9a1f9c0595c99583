import Databricks
import Foundation
import JSON
import TestSupport
import Testing

/// `rotateToken` through the built binary at the most verbose log level: the new token's value is written into the
/// profile and appears on neither stdout nor stderr.
@Suite(.timeLimit(.minutes(2))) struct RotateTokenEndToEndTests {
  @Test func theNewTokenIsInTheProfileAndNowhereInTheOutput() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--sandbox", "--log-level", "debug"])
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"rotateToken","params":{"lifetimeSeconds":3600}}"#)
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"createToken","params":{"saveAsProfile":"minted"}}"#)
    let answers = try await process.waitUntil { messages in
      [1, 2].allSatisfy { id in messages.contains { $0["id"] == id } }
    }
    let rotated = try #require(answers.first { $0["id"] == 1 }?["result"])
    let tokenId = try #require(rotated["tokenId"]?.stringValue)
    let line = process.stderr.split(separator: "\n").first { $0.hasPrefix("brickauth: sandbox home ") }
    let path = try #require(line?.split(separator: " ").last.map(String.init))
    let bytes = try #require(FileManager.default.contents(atPath: path))
    let config = try ConfigFile(path: path, bytes: Array(bytes))
    let admin = try #require(config.profile("admin")?.attributes)
    let value = try #require(admin["token"])
    #expect(MintedTokenRecord.matching(admin)?.tokenId == tokenId)
    #expect(MintedTokenRecord.matching(try #require(config.profile("minted")?.attributes)) != nil)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(!process.stdout.contains(value), "the rotated token's value is only in the profile")
    #expect(!process.stderr.contains(value), "stderr leaked the rotated token")
    let saved = try #require(config.profile("minted")?.attributes["token"])
    #expect(!process.stderr.contains(saved), "stderr leaked the saved token")
  }
}
