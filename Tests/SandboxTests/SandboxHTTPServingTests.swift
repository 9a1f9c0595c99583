import Foundation
import JSON
import LoopbackHTTP
import Sandbox
import TestSupport
import Testing

/// The sandbox served by the loopback HTTP server, over raw sockets: persistence, pipelining, errors on the wire, concurrency, stop().
@Suite(.timeLimit(.minutes(1))) struct SandboxHTTPServingTests {
  private func get(_ path: String, token: String, extraHeaders: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer \(token)\r\n\(extraHeaders)\r\n"
  }

  @Test func oneConnectionCarriesManyRequests() async throws {
    try await withSandbox { sandbox, _ in
      let connection = try RawHTTPConnection(port: sandbox.port)
      for _ in 0..<50 {
        try await connection.send(get("/api/2.0/preview/scim/v2/Me", token: sandbox.userToken))
        let response = try #require(try await connection.readResponse())
        #expect(response.status == 200)
        #expect(response.headers["Connection"] == nil)
        #expect(response.json?["userName"] == "user@sandbox.example")
        #expect(sandbox.openConnectionCount == 1)
      }
      #expect(sandbox.callCount("GET", "/api/2.0/preview/scim/v2/Me") == 50)
    }
  }

  @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
    try await withSandbox { sandbox, _ in
      let connection = try RawHTTPConnection(port: sandbox.port)
      let me = get("/api/2.0/preview/scim/v2/Me", token: sandbox.adminToken)
      let conf = get("/api/2.0/workspace-conf?keys=enableTokensConfig", token: sandbox.adminToken)
      try await connection.send(String(repeating: me + conf, count: 5))
      for _ in 0..<5 {
        #expect(try await connection.readResponse()?.json?["userName"] == "admin@sandbox.example")
        #expect(try await connection.readResponse()?.json == ["enableTokensConfig": "true"])
      }
    }
  }

  @Test func connectionCloseAndHTTP10EndTheConnectionAfterTheAnswer() async throws {
    try await withSandbox { sandbox, _ in
      let closing = try RawHTTPConnection(port: sandbox.port)
      try await closing.send(
        get("/api/2.0/token/list", token: sandbox.userToken, extraHeaders: "Connection: close\r\n")
      )
      let response = try #require(try await closing.readResponse())
      #expect(response.status == 200)
      #expect(response.headers["Connection"] == "close")
      #expect(try await closing.readToEnd().isEmpty)

      let old = try RawHTTPConnection(port: sandbox.port)
      try await old.send("GET /api/2.0/token/list HTTP/1.0\r\nAuthorization: Bearer \(sandbox.userToken)\r\n\r\n")
      #expect(try await old.readResponse()?.status == 200)
      #expect(try await old.readToEnd().isEmpty)
    }
  }

  @Test(arguments: [
    ("BROKEN\r\n\r\n", 400),
    ("GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "x", count: 20_000))\r\n\r\n", 431),
    ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
    ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n", 413),
    ("GET / HTTP/3.0\r\nHost: h\r\n\r\n", 505),
  ])
  func unparsableRequestsAreAnsweredAndTheConnectionClosed(request: String, status: Int) async throws {
    try await withSandbox { sandbox, _ in
      let connection = try RawHTTPConnection(port: sandbox.port)
      try await connection.send(request)
      let response = try #require(try await connection.readResponse())
      #expect(response.status == status)
      #expect(response.headers["Connection"] == "close")
      #expect(Int(response.headers["Content-Length"] ?? "") == response.body.count)
      #expect(!response.body.isEmpty)
      #expect(try await connection.readToEnd().isEmpty)
    }
  }

  @Test func headAnswersCarryALengthButNoBody() async throws {
    try await withSandbox { sandbox, _ in
      let connection = try RawHTTPConnection(port: sandbox.port)
      try await connection.send(
        "HEAD /api/2.0/token/list HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sandbox.userToken)\r\n\r\n"
          + get("/api/2.0/preview/scim/v2/Me", token: sandbox.userToken)
      )
      let head = try #require(try await connection.readHead())
      #expect(head.status == 404, "Databricks routes have no HEAD")
      #expect(Int(head.headers["Content-Length"] ?? "") ?? 0 > 0)
      let next = try #require(try await connection.readResponse())
      #expect(next.json?["userName"] == "user@sandbox.example", "no body bytes came between the two answers")
    }
  }

  @Test func expectContinueGetsAnInterimAnswerBeforeTheBody() async throws {
    try await withSandbox { sandbox, _ in
      let connection = try RawHTTPConnection(port: sandbox.port)
      let body = #"{"comment":"patient"}"#
      try await connection.send(
        "POST /api/2.0/token/create HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer \(sandbox.userToken)\r\n"
          + "Expect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
      )
      #expect(try await connection.readResponse()?.status == 100)
      try await connection.send(body)
      let created = try #require(try await connection.readResponse())
      #expect(created.status == 200)
      #expect(created.json?["token_info"]?["comment"] == "patient")
    }
  }

  @Test func aHundredConcurrentRequestsAreAllServed() async throws {
    try await withSandbox { sandbox, client in
      let ids = try await withThrowingTaskGroup(of: String?.self) { group in
        for index in 0..<100 {
          group.addTask {
            let reply = try await client.post(
              "/api/2.0/token/create",
              token: sandbox.adminToken,
              body: ["comment": .string("c\(index)")]
            )
            return reply.json?["token_info"]?["token_id"]?.stringValue
          }
        }
        var ids: [String?] = []
        for try await id in group { ids.append(id) }
        return ids
      }
      #expect(ids.count == 100)
      #expect(Set(ids.compactMap { $0 }).count == 100)
      #expect(sandbox.workspace.tokens.count == 102)
      #expect(Set(sandbox.workspace.tokens.map(\.comment)).isSuperset(of: (0..<100).map { "c\($0)" }))
    }
  }

  @Test func manyConnectionsAreOpenAtOnce() async throws {
    try await withSandbox { sandbox, _ in
      let connections = try (0..<50).map { _ in try RawHTTPConnection(port: sandbox.port) }
      for connection in connections {
        try await connection.send(get("/api/2.0/token/list", token: sandbox.userToken))
      }
      for connection in connections {
        #expect(try await connection.readResponse()?.status == 200)
      }
      #expect(sandbox.openConnectionCount == 50)
      connections.forEach { $0.close() }
      #expect(try await eventually { sandbox.openConnectionCount == 0 })
    }
  }

  @Test func stopClosesEveryConnectionCutsDelaysAndRefusesNewOnes() async throws {
    let sandbox = try DatabricksSandbox()
    let idle = try RawHTTPConnection(port: sandbox.port)
    try await idle.send(get("/api/2.0/token/list", token: sandbox.userToken))
    #expect(try await idle.readResponse()?.status == 200)

    sandbox.injectFault(.delay(seconds: 600), path: "/api/2.0/token/create")
    let waiting = try RawHTTPConnection(port: sandbox.port)
    try await waiting.send(
      "POST /api/2.0/token/create HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sandbox.userToken)\r\n"
        + "Content-Length: 0\r\n\r\n"
    )
    #expect(try await eventually { sandbox.callCount("POST", "/api/2.0/token/create") == 1 })

    await sandbox.stop()
    #expect(sandbox.openConnectionCount == 0)
    #expect(try await idle.readResponse() == nil)
    #expect(try await waiting.readResponse() == nil, "the delayed answer is never sent")
    #expect(throws: RawHTTPConnection.Failure.self) { try RawHTTPConnection(port: sandbox.port) }
    await sandbox.stop()
  }
}
