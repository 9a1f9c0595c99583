import Databricks
import Foundation
import JSON
import JSONRPC
import Sandbox
import Server
import TestSupport
import Testing

/// How the REST client meets an unreliable workspace: retries, their budget, timeouts, dropped connections,
/// concurrency and cancellation, all over real loopback HTTP.
@Suite(.timeLimit(.minutes(1))) struct NetworkFaultTests {
  static let list = "/api/2.0/token/list"
  static let create = "/api/2.0/token/create"

  @Test func retries429HonouringRetryAfter() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.injectFault(.tooManyRequests(retryAfterSeconds: 1), path: Self.list, times: 2)
      let started = Date()
      let result = try await world.result("listTokens")
      #expect(result["tokens"]?.arrayValue?.count == 2)
      #expect(world.sandbox.callCount("GET", Self.list) == 3)
      #expect(Date().timeIntervalSince(started) >= 2, "it waited the Retry-After twice")
    }
  }

  @Test func gives429UpWhenRetryAfterIsPastTheBudget() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.injectFault(.tooManyRequests(retryAfterSeconds: 30), path: Self.list, times: 1)
      let error = try await world.error("listTokens")
      #expect(ApplicationError(errorObject: error) == .rateLimited)
      #expect(error["data"]?["kind"] == "rate_limited")
      #expect(error["data"]?["retryAfterSeconds"] == 30)
      #expect(error["data"]?["retryable"] == true)
      #expect(world.sandbox.callCount("GET", Self.list) == 1)
    }
  }

  @Test func retries503ThenSucceeds() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.injectFault(.serviceUnavailable(), path: Self.create, times: 1)
      let created = try await world.result("createToken", ["comment": "after 503"])
      #expect(created["comment"] == "after 503")
      #expect(world.sandbox.callCount("POST", Self.create) == 2)
      #expect(world.sandbox.workspace.tokens.filter { $0.comment == "after 503" }.count == 1)
    }
  }

  @Test func aPersistent5xxIsAnUpstreamErrorWithItsStatus() async throws {
    try await SandboxedServer.with { world in
      let body: JSONValue = ["error_code": "INTERNAL_ERROR", "message": "boom"]
      world.sandbox.injectFault(.respond(status: 500, body: body, retryAfterSeconds: nil), path: Self.list, times: 1)
      let error = try await world.error("listTokens")
      #expect(ApplicationError(errorObject: error) == .upstreamError)
      #expect(error["data"]?["httpStatus"] == 500)
      #expect(error["data"]?["databricksErrorCode"] == "INTERNAL_ERROR")
      #expect(world.sandbox.callCount("GET", Self.list) == 1, "500 is not retried")
    }
  }

  @Test func aDroppedConnectionIsRetriedOnlyWhenRepeatingIsHarmless() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.injectFault(.dropConnection, path: Self.list, times: 1)
      #expect(try await world.result("listTokens")["tokens"]?.arrayValue?.count == 2)
      #expect(world.sandbox.callCount("GET", Self.list) == 2)

      world.sandbox.injectFault(.dropConnection, path: Self.create, times: 1)
      let error = try await world.error("createToken")
      #expect(ApplicationError(errorObject: error) == .networkError)
      #expect(error["data"]?["kind"] == "network_error")
      #expect(error["data"]?["host"] == .string(world.sandbox.baseURL.absoluteString))
      #expect(world.sandbox.callCount("POST", Self.create) == 1, "a POST is never re-sent after it went out")
    }
  }

  @Test func aHangingServerTimesOut() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.injectFault(.delay(seconds: 10), path: Self.create, times: 1)
      // The server would answer with a new token after 10 s: an error proves the 2 s request timeout fired first.
      let error = try await world.error("createToken")
      #expect(error["data"]?["kind"] == "network_error")
    }
  }

  @Test func aSlowCallDoesNotHoldUpAFastOne() async throws {
    try await SandboxedServer.with(requestTimeoutSeconds: 60) { world in
      // Long enough that even a loaded test machine answers the fast call first; the slow one is answered, not
      // timed out.
      world.sandbox.injectFault(.delay(seconds: 10), path: Self.list, times: 1)
      world.server.connection.receive(#"{"jsonrpc":"2.0","id":"slow","method":"listTokens"}"#)
      let fast = try await world.result("getTokenSettings")
      #expect(fast["tokensEnabled"] == true)
      #expect(!world.server.writer.values.contains { $0["id"] == "slow" }, "the fast answer came first")
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "slow" } }
      #expect(messages.first { $0["id"] == "slow" }?["result"]?["tokens"] != nil)
    }
  }

  @Test func cancellingARequestCancelsItsHTTPCall() async throws {
    try await SandboxedServer.with { world in
      // The answer is held far longer than any wait here, so an answer at all proves the call was abandoned.
      world.sandbox.injectFault(.delay(seconds: 300), path: Self.list, times: 1)
      world.server.connection.receive(#"{"jsonrpc":"2.0","id":"c","method":"listTokens"}"#)
      let deadline = Date(timeIntervalSinceNow: CollectingWriter.defaultTimeoutSeconds)
      while world.sandbox.callCount("GET", Self.list) == 0 && Date() < deadline {
        try await Task.sleep(nanoseconds: 2_000_000)
      }
      world.server.connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"c"}}"#)
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "c" } }
      #expect(messages.first { $0["id"] == "c" }?["error"]?["code"] == -32800)
      // The HTTP request was abandoned, not awaited: the connection to the sandbox closes.
      let closeDeadline = Date(timeIntervalSinceNow: CollectingWriter.defaultTimeoutSeconds)
      while world.sandbox.openConnectionCount > 0 && Date() < closeDeadline {
        try await Task.sleep(nanoseconds: 10_000_000)
      }
      #expect(world.sandbox.openConnectionCount == 0)
    }
  }

  @Test func validateChecksEveryProfileLive() async throws {
    try await SandboxedServer.with { world in
      // A profile whose workspace is gone: a port bound but never listened on, so connections are refused and no
      // other test's server can take the port while this one holds it (a freed port could be bound again at once).
      let held = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      defer { close(held) }
      #expect(LoginTests.withLoopbackAddress(port: 0) { bind(held, $0, $1) } == 0)
      var address = sockaddr_in()
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(held, $0, &length) }
      }
      let deadURL = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
      try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
        try document.set("host", to: deadURL, in: "gone")
        try document.set("token", to: "dapi0000000000000000000000000000000000", in: "gone")
      }
      let request: JSONValue = [
        "jsonrpc": "2.0", "id": "v", "method": "listProfiles",
        "params": ["validate": true, "_meta": ["progressToken": "v"]],
      ]
      world.server.connection.receive(JSONWriter.bytes(request)[...])
      let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "v" } }
      let profiles = try #require(messages.last { $0["id"] == "v" }?["result"]?["profiles"]?.arrayValue)
      let byName = Dictionary(uniqueKeysWithValues: profiles.compactMap { p in p["name"]?.stringValue.map { ($0, p) } })
      #expect(byName["admin"]?["valid"] == true)
      #expect(byName["admin"]?["error"] == nil)
      #expect(byName["user"]?["valid"] == true)
      #expect(byName["needs-login"]?["valid"] == false)
      #expect(byName["needs-login"]?["error"]?["data"]?["kind"] == "auth_required")
      #expect(byName["sp"]?["valid"] == true)
      #expect(byName["gone"]?["valid"] == false)
      #expect(byName["gone"]?["error"]?["data"]?["kind"] == "network_error")
      let progress = messages.filter { $0["method"] == "notifications/progress" }
      #expect(progress.last?["params"]?["progress"] == 5)
      #expect(progress.last?["params"]?["total"] == 5)
    }
  }
}
