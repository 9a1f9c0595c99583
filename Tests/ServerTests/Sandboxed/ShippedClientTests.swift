import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// The service with the HTTP client it builds for itself (``Services``' default, as the binary runs it: 30 s request
/// timeout, 30 s retry budget, its own User-Agent), against a sandbox workspace. ``SandboxedServer`` swaps in a quick
/// client for fault tests; these tests are about what ships.
@Suite(.timeLimit(.minutes(1))) struct ShippedClientTests {
  static let me = "/api/2.0/preview/scim/v2/Me"
  static let list = "/api/2.0/token/list"

  /// Runs `body` with a fresh sandbox home and an in-process server that makes its own client.
  static func withShippedService(
    _ body: (_ server: InProcessServer, _ sandbox: DatabricksSandbox) async throws -> Void
  ) async throws {
    let session = try SandboxHome()
    let server = InProcessServer(environment: session.environment(replacing: [:]), testMethods: false)
    do {
      try await body(server, session.sandbox)
    } catch {
      await session.close()
      throw error
    }
    await session.close()
  }

  @Test func sendsItsOwnUserAgent() async throws {
    try await Self.withShippedService { server, sandbox in
      let answer = try await server.call("listTokens", id: 1)
      #expect(answer["result"]?["tokens"]?.arrayValue?.count == 2)
      #expect(sandbox.lastUserAgent("GET", Self.list) == "brickauth/\(BrickauthVersion.current)")
    }
  }

  @Test func sequentialCallsReuseOneConnection() async throws {
    try await Self.withShippedService { server, sandbox in
      for id in 1...10 {
        let answer = try await server.call("listTokens", id: .int(Int64(id)))
        #expect(answer["result"]?["tokens"]?.arrayValue?.count == 2)
      }
      #expect(sandbox.callCount("GET", Self.list) == 10)
      #expect(sandbox.acceptedConnectionCount == 1)
    }
  }

  @Test func validateCapsEachProfileAtFiveSecondsAndChecksThemAtOnce() async throws {
    try await Self.withShippedService { server, sandbox in
      // `admin`, `user` and `sp` share the sandbox's host; their checks hang for far longer than the cap.
      sandbox.injectFault(.delay(seconds: 20), path: Self.me, method: "GET", times: 3)
      // Each check reports progress as it finishes. At once, both hung requests reach the sandbox while at most
      // `needs-login` (no credential: no request) has finished; one after the other, the second request would come
      // only after the first check's cap, with two checks done.
      let call = Task {
        try await server.call("listProfiles", id: "v", params: ["validate": true, "_meta": ["progressToken": "p"]])
      }
      func progressSoFar() -> Int { server.writer.values.filter { $0["method"] == "notifications/progress" }.count }
      var finishedWhenBothWereInFlight = Int.max
      let giveUp = Date(timeIntervalSinceNow: 30)
      while finishedWhenBothWereInFlight == .max && Date() < giveUp {
        let finished = progressSoFar()
        if sandbox.callCount("GET", Self.me) == 3 { finishedWhenBothWereInFlight = finished }
        try await Task.sleep(nanoseconds: 2_000_000)
      }
      #expect(finishedWhenBothWereInFlight <= 1, "both hung checks were in flight before either finished")
      let answer = try await call.value
      let profiles = try #require(answer["result"]?["profiles"]?.arrayValue)
      let byName = Dictionary(uniqueKeysWithValues: profiles.compactMap { p in p["name"]?.stringValue.map { ($0, p) } })
      for name in ["admin", "user", "sp"] {
        let profile = try #require(byName[name])
        #expect(profile["valid"] == false)
        #expect(ApplicationError(errorObject: profile["error"]) == .timeout)
        #expect(profile["error"]?["data"]?["kind"] == "timeout")
        #expect(profile["error"]?["data"]?["retryable"] == true)
        #expect(
          profile["error"]?["message"] == .string("Checking the profile \(name) did not finish within 5 s")
        )
      }
      #expect(byName["needs-login"]?["error"]?["data"]?["kind"] == "auth_required")
      #expect(sandbox.callCount("GET", Self.me) == 3, "each hung check was tried once, not retried past the cap")
    }
  }
}
