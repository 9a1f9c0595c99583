import Foundation
import JSON
import Sandbox
import Testing

/// Seeding tokens with a past, the clock and the latency through `/__sandbox/`, and a workspace of 50,000 tokens.
@Suite(.timeLimit(.minutes(1))) struct SandboxSeedingControlTests {
  static let day: Int64 = 86_400_000
  private let management = "/api/2.0/token-management/tokens"

  @Test func seededTokensCarryTheirPastInTokenManagementButNotInTheOwnList() async throws {
    try await withSandbox { sandbox, client in
      let created: Int64 = 1_700_000_000_123
      let seeded = try await client.post(
        "/__sandbox/tokens",
        token: nil,
        body: [
          "owner": .string(SandboxSeed.admin.userName), "count": 3, "comment": "old",
          "creationTime": .int(created), "expiryTime": .int(created + 30 * Self.day),
          "lastUsedDay": .int(created + 2 * Self.day + 5),
        ]
      )
      #expect(seeded.status == 200, "\(seeded.text)")
      let ids = try #require(seeded.json?["tokenIds"]?.arrayValue)
      #expect(ids.count == 3)
      let listed = try #require(try await client.get(management, token: sandbox.adminToken).json?["token_infos"])
      let first = try #require(listed.arrayValue?.first { $0["token_id"] == ids[0] })
      #expect(first["creation_time"] == .int(created))
      #expect(first["expiry_time"] == .int(created + 30 * Self.day))
      #expect(first["last_used_day"] == .int((created + 2 * Self.day) / Self.day * Self.day))
      let own = try #require(try await client.get("/api/2.0/token/list", token: sandbox.adminToken).json)
      let mine = try #require(own["token_infos"]?.arrayValue?.first { $0["token_id"] == ids[0] })
      #expect(mine["last_used_day"] == nil, "the Token API's PublicTokenInfo has no last use")
      #expect(mine["creation_time"] == .int(created))
    }
  }

  @Test func offsetsAreFromTheWorkspaceClockWhichFreezesAndMoves() async throws {
    try await withSandbox { sandbox, client in
      let frozen = try #require(try await client.post("/__sandbox/clock", token: nil, body: ["frozen": true]).json)
      #expect(frozen["frozen"] == true)
      let now = try #require(frozen["now"].flatMap { if case .int(let value) = $0 { value } else { nil } })
      #expect(now % 1000 == 0, "frozen on a whole second")
      let seeded = try await client.post(
        "/__sandbox/tokens",
        token: nil,
        body: [
          "owner": "new-user@sandbox.example", "creationTime": ["daysFromNow": -3],
          "expiryTime": ["secondsFromNow": 0.001],
        ]
      )
      let id = try #require(seeded.json?["tokenIds"]?.arrayValue?.first)
      let record = try #require(sandbox.workspace.tokens.first { JSONValue.string($0.id) == id })
      #expect(record.creationTime == now - 3 * Self.day)
      #expect(record.expiryTime == now + 1)
      #expect(record.lastUsedDay == nil)
      #expect(record.createdByUserName == "new-user@sandbox.example")
      let moved = try #require(
        try await client.post("/__sandbox/clock", token: nil, body: ["advanceSeconds": 86_400]).json
      )
      #expect(moved["now"] == .int(now + Self.day))
      #expect(try await client.get("/__sandbox/clock", token: nil).json?["now"] == .int(now + Self.day))
    }
  }

  @Test func malformedSeedsClockMovesAndLatenciesAreRefusedWithoutEffect() async throws {
    try await withSandbox { sandbox, client in
      let before = sandbox.workspace.tokens.count
      let bad: [(String, JSONValue)] = [
        ("/__sandbox/tokens", [:]),
        ("/__sandbox/tokens", ["owner": "a", "count": 0]),
        ("/__sandbox/tokens", ["owner": "a", "count": 50_001]),
        ("/__sandbox/tokens", ["owner": "a", "creationTime": -5]),
        ("/__sandbox/tokens", ["owner": "a", "expiryTime": ["daysFromNow": 1e12]]),
        ("/__sandbox/tokens", ["owner": "a", "lastUsedDay": ["minutesFromNow": 1]]),
        ("/__sandbox/clock", ["advanceSeconds": -1]),
        ("/__sandbox/clock", ["frozen": "yes"]),
        ("/__sandbox/latency", ["seconds": 61]),
        ("/__sandbox/latency", [:]),
      ]
      for (path, body) in bad {
        let reply = try await client.post(path, token: nil, body: body)
        #expect(reply.status == 400, "\(path) \(body)")
        #expect(reply.json?["error_code"] == "INVALID_PARAMETER_VALUE")
      }
      #expect(sandbox.workspace.tokens.count == before)
      #expect(try await client.post("/__sandbox/latency", token: nil, body: ["seconds": 0]).status == 200)
    }
  }

  @Test func aWorkspaceOfFiftyThousandTokensListsThemAllAndStillFindsOneByItsSecret() async throws {
    try await withSandbox { sandbox, client in
      var seed = TokenSeed(owner: "bulk@sandbox.example")
      seed.count = 50_000
      let ids = sandbox.seedTokens(seed)
      #expect(Set(ids).count == 50_000)
      let listed = try await client.get(management, token: sandbox.adminToken)
      #expect(listed.json?["token_infos"]?.arrayValue?.count == sandbox.workspace.tokens.count)
      // Revoking most of them keeps the indexes right: lookups by id and by secret still find the rest.
      let records = sandbox.workspace.tokens.filter { $0.createdByUserName == "bulk@sandbox.example" }
      for record in records.prefix(30_000) { sandbox.revokeToken(value: record.value) }
      #expect(try await client.get("\(management)/\(ids[30_000])", token: sandbox.adminToken).status == 200)
      #expect(try await client.get("\(management)/\(ids[0])", token: sandbox.adminToken).status == 404)
      let survivor = try #require(records.last)
      #expect(try await client.get("/api/2.0/token/list", token: survivor.value).status == 200)
      #expect(try await client.get("/api/2.0/token/list", token: records[0].value).status == 403)
      #expect(sandbox.workspace.tokens.count == 20_000 + 2, "the bootstrap tokens and the 20,000 left")
    }
  }
}
