import Databricks
import Foundation
import JSON
import JSONRPC
import Server
import TestSupport
import Testing

/// `watchCredentials` and `unwatchCredentials` in-process: their params, the end of the connection ending every
/// watch, and no MCP tool for them.
@Suite(.timeLimit(.minutes(1))) struct WatchCredentialsTests {
  @Test func profileNamesAreCheckedAndTheirNumberCapped() async throws {
    let server = InProcessServer()
    let bad = try await server.call("watchCredentials", params: ["profiles": ["ok", "", "-h", "a\u{0}b"]])
    #expect(bad["error"]?["code"] == -32602)
    let pointers = bad["error"]?["data"]?["errors"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
    #expect(pointers == ["/profiles/1", "/profiles/2", "/profiles/3"])
    let many = try await server.call(
      "watchCredentials",
      id: 2,
      params: ["profiles": .array((0...100).map { .string("p\($0)") })]
    )
    #expect(many["error"]?["code"] == -32602)
    #expect(many["error"]?["data"]?["errors"]?.arrayValue?.first?["path"] == "/profiles")
    #expect(await !server.services.watches.isActive, "a refused watch starts nothing")
  }

  @Test func theEndOfInputEndsEveryWatch() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let server = InProcessServer(environment: ["HOME": home.path])
      let first = try await server.call("watchCredentials", params: ["profiles": ["dev"]])
      let second = try await server.call("watchCredentials", id: 2)
      let firstID = try #require(first["result"]?["watchId"]?.stringValue)
      #expect(second["result"]?["watchId"]?.stringValue != firstID)
      #expect(await server.services.watches.isActive)
      server.connection.inputClosed()
      let deadline = Date(timeIntervalSinceNow: 20)
      while await server.services.watches.isActive {
        guard Date() < deadline else { throw TestTimeout(what: "the watches to end at EOF") }
        try await Task.sleep(nanoseconds: 5_000_000)
      }
      #expect(server.connection.session.isClosed)
    }
  }

  /// One client cannot pile up watches without end (each costs memory and a notification per change): past the cap a
  /// watch is refused `busy`, and ending one makes room again.
  @Test func theNumberOfWatchesIsCapped() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let server = InProcessServer(environment: ["HOME": home.path])
      var ids: [JSONValue] = []
      for index in 0..<CredentialWatches.maximumWatches {
        let watch = try await server.call("watchCredentials", id: .int(Int64(index + 1)))
        ids.append(try #require(watch["result"]?["watchId"]))
      }
      let refused = try await server.call("watchCredentials", id: 1000)
      #expect(refused["error"]?["data"]?["kind"] == "busy")
      #expect(refused["error"]?["data"]?["limit"] == .int(Int64(CredentialWatches.maximumWatches)))
      _ = try await server.call("unwatchCredentials", id: 1001, params: ["watchId": ids[0]])
      #expect(try await server.call("watchCredentials", id: 1002)["result"]?["watchId"] != nil)
    }
  }

  @Test func unwatchingStopsOnceAndUnknownIdsAreNotStopped() async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let server = InProcessServer(environment: ["HOME": home.path])
      let watch = try await server.call("watchCredentials")
      let id = try #require(watch["result"]?["watchId"])
      #expect(try await server.call("unwatchCredentials", id: 2, params: ["watchId": id])["result"]?["stopped"] == true)
      #expect(
        try await server.call("unwatchCredentials", id: 3, params: ["watchId": id])["result"]?["stopped"] == false
      )
      #expect(await !server.services.watches.isActive)
      let missing = try await server.call("unwatchCredentials", id: 4)
      #expect(missing["error"]?["code"] == -32602)
    }
  }

  /// A tool call ends; a watch does not: neither method is an MCP tool.
  @Test func watchingIsNotAnMCPTool() async throws {
    let server = InProcessServer()
    let tools = try await server.call("tools/list")["result"]?["tools"]?.arrayValue ?? []
    let names = tools.compactMap { $0["name"]?.stringValue }
    #expect(names.contains("listProfiles"))
    #expect(!names.contains("watchCredentials") && !names.contains("unwatchCredentials"))
  }
}
