import Databricks
import Foundation
import JSON
import JSONRPC
import LoopbackHTTP
import Server
import TestSupport
import Testing

/// Numbers no honest client or server sends: each is refused (a client's, with `-32602` naming the param and its
/// range) or clamped (a server's), and none ends the process, which would lose every request in flight.
@Suite(.timeLimit(.minutes(1))) struct HostileNumbersTests {
  /// The answer of a workspace that is never meant to be reached.
  static let unreachable: @Sendable (HTTPRequest) -> HTTPResponse = { HostileWorkspace.echo($0, status: 500) }

  @Test(arguments: ["timeoutSeconds", "waitSeconds"], [1e300, 2e10, 86_400.5])
  func aLoginDurationBeyondADayIsInvalidParams(name: String, seconds: Double) async throws {
    try await HostileWorkspace.with(answer: Self.unreachable) { workspace, server in
      let arguments: JSONValue = .object(["profile": "oauth", name: .double(seconds)])
      let direct = try #require(try await server.call("login", id: 1, params: arguments)["error"])
      let called = try await server.call("tools/call", id: 2, params: ["name": "login", "arguments": arguments])
      let viaTool = try #require(called["result"]?["structuredContent"]?["error"])
      for error in [direct, viaTool] {
        #expect(error["code"] == -32602)
        let problem = try #require(error["data"]?["errors"]?.arrayValue?.first)
        #expect(problem["path"] == .string("/\(name)"))
        #expect(problem["message"]?.stringValue?.contains("86400") == true, "names the allowed range")
      }
      #expect(workspace.requests.isEmpty, "nothing was started")
    }
  }

  @Test func aTimeoutOfAbsurdSecondsIsWrittenWithoutTrapping() {
    #expect(RPCError(LoginTimedOut(seconds: 1e300)).message == "The login was not completed within 1e+300 s")
    #expect(RPCError(LoginTimedOut(seconds: 600)).message == "The login was not completed within 600 s")
  }

  @Test func theLoginToolsSchemaDeclaresTheRange() async throws {
    let server = InProcessServer()
    let tools = try #require(try await server.call("tools/list")["result"]?["tools"]?.arrayValue)
    let login = try #require(tools.first { $0["name"] == "login" })
    for name in ["timeoutSeconds", "waitSeconds"] {
      #expect(login["inputSchema"]?["properties"]?[name]?["maximum"] == 86_400)
    }
  }

  @Test func anAbsurdSleepIsCancelledRatherThanEndingTheProcess() async throws {
    let server = InProcessServer()
    server.connection.receive(
      JSONWriter.bytes(["jsonrpc": "2.0", "id": 7, "method": "test/sleep", "params": ["seconds": 1e300]])[...]
    )
    server.connection.receive(
      JSONWriter.bytes(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 7]])[...]
    )
    let messages = try await server.writer.waitUntil { $0.contains { $0["id"] == 7 } }
    #expect(messages.first { $0["id"] == 7 }?["error"]?["code"] == -32800)
  }

  @Test func aRetryAfterOfInt64MaxIsClampedToADay() async throws {
    let answer: @Sendable (HTTPRequest) -> HTTPResponse = { _ in
      HostileWorkspace.json(
        #"{"error_code":"TOO_MANY_REQUESTS","message":"slow down"}"#,
        status: 429,
        headers: ["Retry-After": "9223372036854775807"]
      )
    }
    try await HostileWorkspace.with(answer: answer) { _, server in
      let error = try #require(try await server.call("listTokens", params: ["profile": "pat"])["error"])
      #expect(error["data"]?["kind"] == "rate_limited")
      #expect(error["data"]?["retryAfterSeconds"] == 86_400)
    }
  }

  /// A token endpoint's `expires_in` is clamped to what Go's oauth2 allows (`Int32.max` seconds, about 68 years)
  /// and to no less than now; one that is not a number at all is not a usable token answer.
  @Test(arguments: [
    (JSONValue.double(1e300), "20"), (.double(-1e300), "now"), (.string("1e300"), "20"), (.int(.max), "20"),
    (.string("soon"), "upstream_error"), (.bool(true), "upstream_error"),
  ])
  func anAbsurdExpiresInIsClampedOrRefused(expiresIn: JSONValue, expected: String) async throws {
    let answer: @Sendable (HTTPRequest) -> HTTPResponse = { request in
      guard request.path == HostileWorkspace.tokenPath else { return HostileWorkspace.echo(request, status: 500) }
      let body: JSONValue = ["access_token": "fresh-access", "token_type": "Bearer", "expires_in": expiresIn]
      return HostileWorkspace.json(JSONWriter.string(body), status: 200)
    }
    try await HostileWorkspace.with(answer: answer) { _, server in
      let response = try await server.call("getToken", params: ["profile": "oauth"])
      switch expected {
      case "upstream_error":
        #expect(response["error"]?["data"]?["kind"] == "upstream_error")
      case "now":
        #expect(response["result"]?["accessToken"] == "fresh-access")
        let expiresAt = try #require(response["result"]?["expiresAt"]?.stringValue)
        #expect(expiresAt <= RFC3339Text.now(), "already expired: \(expiresAt)")
      default:
        #expect(response["result"]?["accessToken"] == "fresh-access")
        let expiresAt = try #require(response["result"]?["expiresAt"]?.stringValue)
        let limit = Date().addingTimeInterval(Double(Int32.max) + 60)
        #expect(expiresAt.hasPrefix(expected) && expiresAt <= RFC3339Text.utc(limit), "clamped: \(expiresAt)")
      }
    }
  }

  @Test func aCursorWithAnAbsurdOffsetIsInvalidParams() async throws {
    try await SandboxedServer.with { world in
      let first = try await world.result("listTokens", ["limit": 1])
      let cursor = try #require(first["nextCursor"]?.stringValue)
      let id = try #require(cursor.split(separator: ".").first)
      for offset in ["9223372036854775807", "9223372036854775806", "999999"] {
        let error = try await world.error("listTokens", ["limit": 10_000, "cursor": .string("\(id).\(offset)")])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/cursor")
      }
    }
  }
}

/// Wire timestamps for comparisons: `yyyy-MM-ddTHH:mm:ssZ` strings order as the instants they name.
enum RFC3339Text {
  static func utc(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  static func now() -> String { utc(Date().addingTimeInterval(1)) }
}
