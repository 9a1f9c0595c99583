import JSON
import LoopbackHTTP
import TestSupport
import Testing

/// The built binary against a workspace whose errors echo the request back: no token reaches stdout or stderr,
/// even at the most verbose log level.
@Suite(.timeLimit(.minutes(2))) struct EchoedSecretsEndToEndTests {
  @Test func echoedBearersAndRefreshTokensAreNeverPrinted() async throws {
    let workspace = try HostileWorkspace {
      HostileWorkspace.echo($0, status: $0.path == "/api/2.0/token/list" ? 401 : 400)
    }
    defer { Task { await workspace.close() } }
    let process = try BrickauthProcess.launch(arguments: ["--log-level", "debug"], environment: workspace.environment)
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"listTokens","params":{"profile":"pat"}}"#)
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"getToken","params":{"profile":"oauth"}}"#)
    process.send(#"{"jsonrpc":"2.0","id":3,"method":"listProfiles","params":{"validate":true}}"#)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.messages.first { $0["id"] == 1 }?["error"]?["data"]?["kind"] == "auth_required")
    #expect(process.messages.first { $0["id"] == 2 }?["error"] != nil)
    #expect(process.stdout.contains("<redacted>"))
    for secret in workspace.secretsSent {
      #expect(!process.stdout.contains(secret), "stdout shows \(secret.prefix(12))…")
      #expect(!process.stderr.contains(secret), "stderr shows \(secret.prefix(12))…")
    }
  }
}
