import Foundation
import JSON
import Sandbox
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The test controls over real HTTP: injected answers, dropped connections, delays, latency, call counts.
@Suite(.timeLimit(.minutes(1))) struct FaultInjectionTests {
  private let list = "/api/2.0/token/list"
  private let create = "/api/2.0/token/create"

  @Test func rateLimitsCarryRetryAfterAndAreUsedUp() async throws {
    try await withSandbox { sandbox, client in
      sandbox.injectFault(.tooManyRequests(retryAfterSeconds: 7), path: list, times: 2)
      for _ in 0..<2 {
        let limited = try await client.get(list, token: sandbox.userToken)
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "7")
        #expect(limited.json?["error_code"] == "REQUEST_LIMIT_EXCEEDED")
      }
      let served = try await client.get(list, token: sandbox.userToken)
      #expect(served.status == 200)
      #expect(served.headers["retry-after"] == nil)
      #expect(sandbox.callCount("GET", list) == 3)
    }
  }

  @Test func injectedAnswersNeverReachTheWorkspace() async throws {
    try await withSandbox { sandbox, client in
      sandbox.injectFault(.serviceUnavailable(), path: create, method: "POST")
      sandbox.injectFault(
        .respond(status: 500, body: ["error_code": "INTERNAL_ERROR", "message": "boom"]),
        path: create
      )
      let unavailable = try await client.post(create, token: sandbox.userToken)
      #expect(unavailable.status == 503)
      #expect(unavailable.json?["error_code"] == "TEMPORARILY_UNAVAILABLE")
      let broken = try await client.post(create, token: sandbox.userToken)
      #expect(broken.status == 500)
      #expect(broken.json == ["error_code": "INTERNAL_ERROR", "message": "boom"])
      #expect(sandbox.workspace.tokens.count == 2, "no token was created by the faulted calls")
      #expect(try await client.post(create, token: sandbox.userToken).status == 200)
      #expect(sandbox.workspace.tokens.count == 3)
      #expect(sandbox.callCount("POST", create) == 3)
    }
  }

  @Test func aFaultForOneMethodLeavesOthersAlone() async throws {
    try await withSandbox { sandbox, client in
      sandbox.injectFault(.serviceUnavailable(), path: "/api/2.0/workspace-conf", method: "PATCH")
      let read = try await client.get("/api/2.0/workspace-conf?keys=enableTokensConfig", token: sandbox.userToken)
      #expect(read.status == 200)
      let write = try await client.send(
        "PATCH",
        "/api/2.0/workspace-conf",
        token: sandbox.adminToken,
        body: ["maxTokenLifetimeDays": "5"]
      )
      #expect(write.status == 503)
    }
  }

  @Test func droppedConnectionsCloseWithoutAnAnswer() async throws {
    try await withSandbox { sandbox, client in
      sandbox.injectFault(.dropConnection, path: list)
      let connection = try RawHTTPConnection(port: sandbox.port)
      try await connection.send(
        "GET \(list) HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer \(sandbox.userToken)\r\n\r\n"
      )
      #expect(try await connection.readToEnd().isEmpty)
      #expect(try await client.get(list, token: sandbox.userToken).status == 200, "only the next call was dropped")
    }
  }

  @Test func urlSessionSeesADroppedConnectionAsAnError() async throws {
    try await withSandbox { sandbox, client in
      sandbox.injectFault(.dropConnection, path: list)
      await #expect(throws: URLError.self) { try await client.get(list, token: sandbox.userToken) }
      #expect(sandbox.callCount("GET", list) == 1, "the client did not silently retry")
    }
  }

  @Test func delayedAnswersStillCommitTheirWork() async throws {
    try await withSandbox { sandbox, _ in
      sandbox.injectFault(.delay(seconds: 0.05), path: list)
      let delayed = try await SandboxClient(sandbox).get(list, token: sandbox.userToken)
      #expect(delayed.status == 200)

      // The client gives up long before the 60 s delay ends, but the token exists: work done upstream stays done.
      sandbox.injectFault(.delay(seconds: 60), path: create)
      // Whole seconds: FoundationNetworking truncates fractional timeouts (0.5 s times out at once).
      let impatient = SandboxClient(sandbox, timeout: 1)
      await #expect(throws: URLError.self) { try await impatient.post(create, token: sandbox.userToken) }
      #expect(sandbox.workspace.tokens.count == 3)
      impatient.session.invalidateAndCancel()
    }
  }

  @Test func latencyDelaysEveryAnswerUntilCleared() async throws {
    try await withSandbox { sandbox, _ in
      sandbox.setLatency(seconds: 60)
      let impatient = SandboxClient(sandbox, timeout: 1)
      await #expect(throws: URLError.self) { try await impatient.get(list, token: sandbox.userToken) }
      await #expect(throws: URLError.self) { try await impatient.get("/api/2.0/preview/scim/v2/Me", token: nil) }
      sandbox.clearFaults()
      let prompt = try await impatient.get(list, token: sandbox.userToken)
      #expect(prompt.status == 200)
      impatient.session.invalidateAndCancel()
    }
  }

  @Test func callsAreCountedPerMethodAndPath() async throws {
    try await withSandbox { sandbox, client in
      _ = try await client.get("\(list)?ignored=1", token: sandbox.userToken)
      _ = try await client.get(list, token: nil)
      _ = try await client.post(create, token: sandbox.userToken)
      _ = try await client.get("/nowhere", token: nil)
      #expect(
        sandbox.callCounts == ["GET \(list)": 2, "POST \(create)": 1, "GET /nowhere": 1]
      )
      #expect(sandbox.callCount("POST", list) == 0)
      sandbox.resetCallCounts()
      #expect(sandbox.callCounts.isEmpty)
    }
  }
}
