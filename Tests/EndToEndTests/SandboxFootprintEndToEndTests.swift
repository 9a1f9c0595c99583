import Foundation
import JSON
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `brickauth --sandbox` leaves on disk: nothing, whether it ends at EOF or by a signal, and URLSession does
/// not create caches or cookie stores in the home.
@Suite(.timeLimit(.minutes(2))) struct SandboxFootprintEndToEndTests {
  func contents(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test func requestsAndALoginCreateNothingInTheHome() async throws {
    let home = try ScratchDirectory.make(prefix: "home")
    let temporary = try ScratchDirectory.make(prefix: "tmp")
    let process = try BrickauthProcess.launch(
      arguments: ["--sandbox"],
      environment: ["HOME": home.path, "TMPDIR": temporary.path]
    )
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"listTokens"}"#)
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"login","params":{"profile":"needs-login"}}"#)
    let answers = try await process.waitUntil { $0.contains { $0["id"] == 1 } && $0.contains { $0["id"] == 2 } }
    #expect(answers.first { $0["id"] == 2 }?["result"]?["status"] == "complete")
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(try contents(home) == [], "no ~/.cache/…URLCache, no ~/.local/share/…")
    #expect(try contents(temporary) == [], "the sandbox home is gone")
  }

  @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
  func aSignalledSandboxRemovesItsHome(signal: Int32) async throws {
    let temporary = try ScratchDirectory.make(prefix: "tmp")
    let process = try BrickauthProcess.launch(arguments: ["--sandbox"], environment: ["TMPDIR": temporary.path])
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"listProfiles"}"#)
    _ = try await process.waitUntil { $0.contains { $0["id"] == 1 } }
    #expect(try contents(temporary).count == 1, "the sandbox home is there while it runs")
    process.signal(signal)
    #expect(try await process.waitForExit() == 128 + signal)
    #expect(try contents(temporary) == [])
  }
}
