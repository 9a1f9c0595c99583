import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// The local token endpoint as an SDK (or a hostile local client) reaches it: real HTTP against a served profile.
@Suite struct MetadataServiceTests {
  /// Sends `head` (request line and header fields, CRLF-separated, no blank line) with `Connection: close` and
  /// returns the status and parsed body of the answer.
  static func exchange(port: UInt16, _ head: String) async throws -> (status: Int, body: JSONValue?) {
    let connection = try RawHTTPConnection(port: port)
    defer { connection.close() }
    try await connection.send(head + "\r\nConnection: close\r\n\r\n")
    let response = try #require(try await connection.readResponse())
    return (response.status, response.json)
  }

  struct Served {
    var port: UInt16
    var path: String
    var host: String

    init(_ result: JSONValue) throws {
      let url = try #require(URLComponents(string: result["url"]?.stringValue ?? ""))
      port = try #require(url.port.map(UInt16.init))
      path = url.path
      host = try #require(result["host"]?.stringValue)
      #expect(url.host == "127.0.0.1")
      #expect(url.scheme == "http")
    }

    func get(
      path: String? = nil,
      method: String = "GET",
      hostHeader: String? = nil,
      version: String? = "1",
      databricksHost: String? = nil,
      extra: String? = nil
    ) async throws -> (status: Int, body: JSONValue?) {
      var head = "\(method) \(path ?? self.path) HTTP/1.1\r\nHost: \(hostHeader ?? "127.0.0.1:\(port)")"
      if let version { head += "\r\nX-Databricks-Metadata-Version: \(version)" }
      head += "\r\nX-Databricks-Host: \(databricksHost ?? host)"
      if let extra { head += "\r\n" + extra }
      return try await MetadataServiceTests.exchange(port: port, head)
    }
  }

  @Test func aPATIsServedWithAShortExpiryAndEveryRefusalCarriesNoToken() async throws {
    try await SandboxedServer.with { world in
      let result = try await world.result("serveCredentials", ["profile": "admin"])
      let served = try Served(result)
      let env = try #require(result["env"]?.objectValue)
      #expect(env["DATABRICKS_AUTH_TYPE"] == "metadata-service")
      #expect(env["DATABRICKS_METADATA_SERVICE_URL"] == result["url"])
      #expect(env["DATABRICKS_HOST"] == result["host"])
      #expect(env.keys.allSatisfy { $0.hasPrefix("DATABRICKS_") })
      #expect(try await world.result("serveCredentials", ["profile": "admin"])["url"] == result["url"], "same URL")

      let before = Date().timeIntervalSince1970
      let ok = try await served.get()
      #expect(ok.status == 200)
      #expect(ok.body?["access_token"]?.stringValue == world.sandbox.adminToken)
      #expect(ok.body?["token_type"] == "Bearer")
      let expiresOn = try #require(ok.body?["expires_on"].flatMap { if case .int(let v) = $0 { v } else { nil } })
      #expect(Double(expiresOn) <= Date().timeIntervalSince1970 + 600)
      #expect(Double(expiresOn) >= before + 590)
      #expect(try await served.get(hostHeader: "localhost:\(served.port)").status == 200)

      let refusals: [(status: Int, kind: String, answer: (status: Int, body: JSONValue?))] = [
        (400, "unsupported_version", try await served.get(version: nil)),
        (400, "unsupported_version", try await served.get(version: "2")),
        (400, "wrong_host", try await served.get(databricksHost: "https://elsewhere.example")),
        (404, "not_found", try await served.get(path: "/" + String(repeating: "A", count: 22))),
        (405, "method_not_allowed", try await served.get(method: "POST")),
        (403, "forbidden", try await served.get(extra: "Origin: https://evil.example")),
        (403, "forbidden", try await served.get(hostHeader: "evil.example:\(served.port)")),
      ]
      for refusal in refusals {
        #expect(refusal.answer.status == refusal.status)
        #expect(refusal.answer.body?["error"]?.stringValue == refusal.kind)
        #expect(refusal.answer.body?["message"]?.stringValue?.isEmpty == false)
        #expect(refusal.answer.body?["access_token"] == nil)
      }

      #expect(try await world.result("stopServingCredentials", ["profile": "admin"]) == ["stopped": true])
      #expect(try await served.get().status == 404)
      #expect(try await world.result("stopServingCredentials", ["profile": "admin"]) == ["stopped": false])
      let again = try Served(try await world.result("serveCredentials", ["profile": "admin"]))
      #expect(again.path != served.path, "a retired URL is not handed out again")
      #expect(try await served.get().status == 404)
      #expect(try await again.get().status == 200)
    }
  }

  @Test func aProfileThatNeedsLoginIsRefusedWithoutABrowser() async throws {
    try await SandboxedServer.with { world in
      let served = try Served(try await world.result("serveCredentials", ["profile": "needs-login"]))
      let answer = try await served.get()
      #expect(answer.status == 401)
      #expect(answer.body?["error"] == "login_required")
      #expect(world.sandbox.callCount("GET", "/oidc/v1/authorize") == 0)
    }
  }

  @Test func fiftyConcurrentRequestsOnAnExpiringTokenRefreshItOnce() async throws {
    try await SandboxedServer.with { world in
      world.sandbox.setAccessTokenLifetime(seconds: 120)  // inside the 5-minute refresh margin
      _ = try await world.result("login", ["profile": "needs-login"])
      world.sandbox.setAccessTokenLifetime(seconds: 3600)
      let served = try Served(try await world.result("serveCredentials", ["profile": "needs-login"]))
      let answers = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
        for _ in 0..<50 {
          group.addTask { try await served.get().body }
        }
        return try await group.reduce(into: [JSONValue?]()) { $0.append($1) }
      }
      #expect(world.sandbox.tokenRequestCount(grantType: "refresh_token") == 1)
      let tokens = Set(answers.compactMap { $0?["access_token"]?.stringValue })
      #expect(tokens.count == 1)
      let token = try await world.result("getToken", ["profile": "needs-login"])
      #expect(tokens.first == token["accessToken"]?.stringValue, "the refreshed token")
      let expiresOn = try #require(
        answers.first??["expires_on"].flatMap { if case .int(let v) = $0 { v } else { nil } }
      )
      #expect(Double(expiresOn) > Date().timeIntervalSince1970 + 3000, "the OAuth token's real expiry")
    }
  }
}
