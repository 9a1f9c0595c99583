import Databricks
import Foundation
import JSON
import JSONRPC
import Sandbox
import Server
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `auditTokens` against sandbox workspaces whose tokens were seeded with a past, on a frozen clock the service
/// shares, so every rule is met exactly at its boundary.
@Suite(.timeLimit(.minutes(1))) struct TokenAuditTests {
  static let day = 86_400.0
  static let admin = SandboxSeed.admin.userName

  /// One seeded token per case, named by its comment: days from now for creation, expiry (`nil`: never) and last
  /// use (`nil`: never), plus a millisecond where a case sits just past a boundary.
  static let cases: [(comment: String, created: Double, expires: Double?, lastUsed: Double?)] = [
    ("fine", -10 * day, 30 * day, -1 * day),
    ("lifetime-at-max", -10 * day, 80 * day, -1 * day),
    ("lifetime-over-max", -10 * day, 80 * day + 0.001, -1 * day),
    ("expired-now", -10 * day, 0, -1 * day),
    ("expired-long-ago", -10 * day, -5 * day, -6 * day),
    ("expiring-in-a-millisecond", -10 * day, 0.001, -1 * day),
    ("expiring-at-window", -10 * day, 7 * day, -1 * day),
    ("expiring-past-window", -10 * day, 7 * day + 0.001, -1 * day),
    ("idle-at-threshold", -70 * day, 15 * day, -60 * day),
    ("idle-below-threshold", -70 * day, 15 * day, -59 * day),
    ("never-used-at-threshold", -60 * day, 30 * day, nil),
    ("never-used-too-young", -60 * day + 0.001, 30 * day, nil),
    ("no-expiry", -10 * day, nil, -1 * day),
  ]

  static func seedCases(_ sandbox: DatabricksSandbox) {
    sandbox.setClockFrozen(true)
    for seeded in cases {
      var seed = TokenSeed(owner: admin)
      seed.comment = seeded.comment
      seed.creationTime = .secondsFromNow(seeded.created)
      seed.expiryTime = seeded.expires.map { .secondsFromNow($0) }
      seed.lastUsedDay = seeded.lastUsed.map { .secondsFromNow($0) }
      sandbox.seedTokens(seed)
    }
  }

  /// The findings of one workspace entry by comment, for the seeded cases only.
  static func reasonsByComment(_ workspace: JSONValue?) -> [String: [String]] {
    let names = Set(cases.map(\.comment))
    var result: [String: [String]] = [:]
    for finding in workspace?["findings"]?.arrayValue ?? [] {
      guard let comment = finding["comment"]?.stringValue, names.contains(comment) else { continue }
      result[comment] = finding["reasons"]?.arrayValue?.compactMap(\.stringValue)
    }
    return result
  }

  @Test func raisesEveryReasonExactlyAtItsBoundariesAndOnNoOtherToken() async throws {
    let world = try SandboxedServer(sandboxClock: true)
    defer { Task { await world.close() } }
    Self.seedCases(world.sandbox)
    let audit = try await world.result("auditTokens", ["scope": "workspace"])
    let workspace = try #require(audit["workspaces"]?.arrayValue?.first)
    #expect(workspace["profile"] == "admin")
    #expect(workspace["error"] == nil)
    #expect(
      Self.reasonsByComment(workspace) == [
        "lifetime-over-max": ["lifetime_over_max"],
        "expired-now": ["expired"],
        "expired-long-ago": ["expired"],
        "expiring-in-a-millisecond": ["expiring_soon"],
        "expiring-at-window": ["expiring_soon"],
        "idle-at-threshold": ["idle"],
        "never-used-at-threshold": ["never_used"],
        "no-expiry": ["no_expiry"],
      ]
    )
    let idle = workspace["findings"]?.arrayValue?.first { $0["comment"] == "idle-at-threshold" }
    #expect(idle?["daysUntilIdleRevocation"] == 30)
    #expect(idle?["ownerId"] == .string(String(SandboxSeed.admin.id)))
    #expect(idle?["createdByUsername"] == .string(Self.admin))
    #expect(audit["asOf"] == .string(RFC3339.utcString(world.sandbox.workspace.clock.now())))
    #expect(workspace["reasonsChecked"]?.arrayValue?.count == 6)
    #expect(workspace["policy"] == ["maxTokenLifetimeDays": 0, "tokensEnabled": true])
    // The bootstrap tokens and the old laptop token count too; every listed token was scanned.
    #expect(workspace["tokensScanned"] == .int(Int64(world.sandbox.workspace.tokens.count)))
    let top = try #require(workspace["topUsers"]?.arrayValue?.first)
    #expect(top["userName"] == .string(Self.admin))
    #expect(top["tokenCount"] == .int(Int64(Self.cases.count + 2)))
    #expect(top["tokenLimit"] == 600)

    // A day later (the clock moved through the control endpoint, as a script would), the cases one step short of
    // a boundary cross it.
    var request = URLRequest(url: world.sandbox.baseURL.appendingPathComponent("__sandbox/clock"))
    request.httpMethod = "POST"
    request.httpBody = Data(#"{"advanceSeconds": 86400}"#.utf8)
    _ = try await URLSession.shared.data(for: request)
    let later = try await world.result("auditTokens", ["scope": "workspace"])
    let moved = Self.reasonsByComment(later["workspaces"]?.arrayValue?.first)
    #expect(moved["expiring-past-window"] == ["expiring_soon"])
    #expect(moved["idle-below-threshold"] == ["idle"])
    #expect(moved["never-used-too-young"] == ["never_used"])
    #expect(moved["expiring-at-window"] == ["expiring_soon"])
    #expect(moved["fine"] == nil)
  }

  /// A finding is built member by member (not through `Encodable`, which cost more than the audit): its token
  /// fields must be exactly what `listTokens` reports for the token, `null`s and absent members included, and its
  /// reasons in their documented order.
  @Test func eachFindingIsTheTokenAsListTokensReportsItPlusItsReasons() async throws {
    let world = try SandboxedServer(sandboxClock: true)
    defer { Task { await world.close() } }
    Self.seedCases(world.sandbox)
    // Two reasons on one token, so their order is seen.
    var both = TokenSeed(owner: Self.admin)
    both.comment = "idle-and-too-long"
    both.creationTime = .secondsFromNow(-100 * Self.day)
    both.expiryTime = .secondsFromNow(5 * Self.day)
    both.lastUsedDay = .secondsFromNow(-70 * Self.day)
    world.sandbox.seedTokens(both)
    for scope in ["workspace", "own"] {
      let listed = try await world.result("listTokens", ["scope": .string(scope), "limit": 1000])
      var byId: [String: JSONValue] = [:]
      for token in listed["tokens"]?.arrayValue ?? [] { byId[token["tokenId"]?.stringValue ?? ""] = token }
      let audit = try await world.result("auditTokens", ["scope": .string(scope)])
      let findings = audit["workspaces"]?.arrayValue?.first?["findings"]?.arrayValue ?? []
      #expect(findings.count >= 8)
      for finding in findings {
        var members = try #require(finding.objectValue)
        let reasons = members.removeValue(forKey: "reasons")?.arrayValue?.compactMap(\.stringValue) ?? []
        let days = members.removeValue(forKey: "daysUntilIdleRevocation")
        #expect(days == nil || reasons.contains("idle"))
        let order = TokenAuditReason.allCases.map(\.rawValue)
        #expect(!reasons.isEmpty && reasons == order.filter(reasons.contains))
        let token = try #require(byId[members["tokenId"]?.stringValue ?? ""])
        #expect(JSONWriter.bytes(.object(members)) == JSONWriter.bytes(token), "\(scope)")
      }
      if scope == "workspace" {
        let twice = findings.first { $0["comment"] == "idle-and-too-long" }
        #expect(twice?["reasons"] == ["lifetime_over_max", "expiring_soon", "idle"])
      }
    }
  }

  @Test func theOwnListHasNoLastUseSoIdleAndNeverUsedAreNotChecked() async throws {
    let world = try SandboxedServer(sandboxClock: true)
    defer { Task { await world.close() } }
    Self.seedCases(world.sandbox)
    let audit = try await world.result(
      "auditTokens",
      ["idleDays": 1, "maxLifetimeDays": 3650, "expiringWithinDays": 1]
    )
    #expect(audit["scope"] == "own")
    #expect(audit["rules"] == ["idleDays": 1, "maxLifetimeDays": 3650, "expiringWithinDays": 1])
    let workspace = try #require(audit["workspaces"]?.arrayValue?.first)
    #expect(workspace["reasonsChecked"] == ["no_expiry", "lifetime_over_max", "expiring_soon", "expired"])
    #expect(workspace["topUsers"] == nil)
    let reasons = Self.reasonsByComment(workspace)
    #expect(reasons["idle-at-threshold"] == nil)
    #expect(reasons["never-used-at-threshold"] == nil)
    #expect(reasons["expiring-in-a-millisecond"] == ["expiring_soon"])
    #expect(reasons["expiring-at-window"] == nil, "outside a 1-day window")
    #expect(workspace["findings"]?.arrayValue?.allSatisfy { $0["ownerId"] == nil && $0["lastUsedDay"] == nil } == true)
    #expect(workspace["reasonCounts"]?["idle"] == nil)
  }

  @Test func aFailingWorkspaceIsAnEntryWithItsOwnErrorAndTheOthersComplete() async throws {
    let world = try SandboxedServer()
    defer { Task { await world.close() } }
    let second = try DatabricksSandbox()
    let third = try DatabricksSandbox()
    let flaky = try DatabricksSandbox()
    defer { Task { await second.stop() } }
    defer { Task { await third.stop() } }
    defer { Task { await flaky.stop() } }
    for sandbox in [second, third] {
      var seed = TokenSeed(owner: "someone@sandbox.example")
      seed.count = 2_500
      seed.creationTime = .secondsFromNow(-Self.day)
      seed.expiryTime = .secondsFromNow(Self.day * 30)
      seed.lastUsedDay = .secondsFromNow(0)
      sandbox.seedTokens(seed)
    }
    try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
      for (name, sandbox) in [("second", second), ("third", third), ("flaky", flaky)] {
        try document.set("host", to: sandbox.baseURL.absoluteString, in: name)
        try document.set("token", to: sandbox.adminToken, in: name)
      }
    }
    // The flaky workspace's token list never answers: a network failure, after the retries.
    flaky.injectFault(.dropConnection, path: "/api/2.0/token-management/tokens", times: 100)
    let audit = try await world.result(
      "auditTokens",
      ["profiles": ["second", "user", "flaky", "third", "nope", "second"], "scope": "workspace"]
    )
    let entries = try #require(audit["workspaces"]?.arrayValue)
    #expect(entries.map { $0["profile"] } == ["second", "user", "flaky", "third", "nope"], "duplicates once, in order")
    for entry in [entries[0], entries[3]] {
      #expect(entry["error"] == nil)
      #expect(entry["tokensScanned"] == 2_502)
      #expect(entry["pages"] == 3, "pages of 1000 tokens, as listTokens pages")
      #expect(entry["topUsers"]?.arrayValue?.first?["tokenCount"] == 2_500)
      #expect(entry["topUsers"]?.arrayValue?.first?["userName"] == "someone@sandbox.example")
    }
    // Each failure is what the workspace's own call answers.
    let denied = try await world.error("listTokens", ["profile": "user", "scope": "workspace"])
    #expect(entries[1]["error"] == denied)
    #expect(entries[1]["error"]?["data"]?["kind"] == "permission_denied")
    #expect(entries[1]["findings"] == nil)
    #expect(entries[2]["error"]?["data"]?["kind"] == "network_error")
    #expect(entries[2]["host"] == .string(flaky.baseURL.absoluteString))
    let unknown = try await world.error("listTokens", ["profile": "nope"])
    #expect(entries[4]["error"] == unknown)
    #expect(entries[4]["error"]?["data"]?["kind"] == "profile_not_found")
  }

  @Test func reportsProgressPerPageAndPerWorkspaceAndACancelKeepsTheWorkspacesFinished() async throws {
    // Requests may take a minute, so the slow workspace's list is still in flight at the cancel however loaded the
    // machine is (with the usual 2 s it would time out, fail, and finish before the admin workspace).
    let world = try SandboxedServer(requestTimeoutSeconds: 60)
    defer { Task { await world.close() } }
    let slow = try DatabricksSandbox()
    defer { Task { await slow.stop() } }
    var seed = TokenSeed(owner: Self.admin)
    seed.count = 1_500
    world.sandbox.seedTokens(seed)
    try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
      try document.set("host", to: slow.baseURL.absoluteString, in: "slow")
      try document.set("token", to: slow.adminToken, in: "slow")
    }
    // The admin workspace's policy answers well after its list, so its pages and its end are reported more than
    // the 100 ms rate limit apart (neither is dropped); the slow workspace's list answers only after the cancel.
    world.sandbox.injectFault(.delay(seconds: 2), path: "/api/2.0/workspace-conf")
    slow.injectFault(.delay(seconds: 50), path: "/api/2.0/token-management/tokens")
    let request: JSONValue = [
      "jsonrpc": "2.0", "id": "audit", "method": "auditTokens",
      "params": ["profiles": ["admin", "slow"], "scope": "workspace", "_meta": ["progressToken": "p"]],
    ]
    world.server.connection.receive(JSONWriter.bytes(request)[...])
    let progressed = try await world.server.writer.waitUntil { messages in
      messages.contains {
        $0["params"]?["_meta"]?["brickauth/workspacesFinished"] == 1
          && $0["params"]?["_meta"]?["brickauth/profile"] == "admin"
      }
    }
    world.server.connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"audit"}}"#)
    let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == "audit" } }
    let progress = progressed.filter { $0["method"] == "notifications/progress" }.compactMap { $0["params"] }
    let firstPage = try #require(progress.first)
    #expect(firstPage["_meta"]?["brickauth/profile"] == "admin")
    #expect(firstPage["_meta"]?["brickauth/pages"] == 1)
    #expect(firstPage["_meta"]?["brickauth/tokensScanned"] == 1000)
    let finished = try #require(progress.last)
    #expect(finished["_meta"]?["brickauth/workspaces"] == 2)
    #expect(finished["message"]?.stringValue?.hasPrefix("admin: done") == true)

    let error = try #require(messages.last { $0["id"] == "audit" }?["error"])
    #expect(error["code"] == -32800)
    let partial = try #require(error["data"]?["partial"]?["workspaces"]?.arrayValue)
    #expect(partial.map { $0["profile"] } == ["admin"])
    #expect(partial.first?["tokensScanned"] == .int(Int64(world.sandbox.workspace.tokens.count)))
    #expect(partial.first?["pages"] == 2)
  }

  @Test func anAgentAuditsThroughAReadOnlyToolThenRevokesWhatItFound() async throws {
    try await SandboxedServer.with { world in
      let tools = try #require(try await world.result("tools/list")["tools"]?.arrayValue)
      let tool = try #require(tools.first { $0["name"] == "auditTokens" })
      #expect(tool["annotations"]?["readOnlyHint"] == true)
      #expect(tool["annotations"]?["destructiveHint"] == false)
      let audit = try await world.result("tools/call", ["name": "auditTokens", "arguments": ["scope": "workspace"]])
      #expect(audit["isError"] == nil || audit["isError"] == false)
      let findings = try #require(
        audit["structuredContent"]?["workspaces"]?.arrayValue?.first?["findings"]?.arrayValue
      )
      let neverUsed = findings.filter { $0["reasons"]?.arrayValue?.contains("never_used") == true }
      #expect(neverUsed.map { $0["tokenId"] } == [.string(SandboxHome.oldLaptopTokenID)])
      let revoked = try await world.result(
        "tools/call",
        [
          "name": "revokeToken",
          "arguments": ["scope": "workspace", "tokenIds": .array(neverUsed.compactMap { $0["tokenId"] })],
        ]
      )
      #expect(revoked["structuredContent"]?["revoked"] == [.string(SandboxHome.oldLaptopTokenID)])
      #expect(!world.sandbox.workspace.tokens.contains { $0.id == SandboxHome.oldLaptopTokenID })
    }
  }

  @Test func refusesOutOfRangeParamsBeforeAnyNetworkCall() async throws {
    try await SandboxedServer.with { world in
      for (name, value) in [("idleDays", 0), ("maxLifetimeDays", 3651), ("expiringWithinDays", -1)] {
        let error = try await world.error("auditTokens", [name: .int(Int64(value))])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == .string("/\(name)"))
      }
      let tooMany = try await world.error("auditTokens", ["profiles": .array((0...100).map { .string("p\($0)") })])
      #expect(tooMany["data"]?["errors"]?.arrayValue?.first?["path"] == "/profiles")
      #expect(try await world.error("auditTokens", ["profiles": []])["code"] == -32602)
      #expect(try await world.error("auditTokens", ["profiles": ["admin"], "profile": "admin"])["code"] == -32602)
      let badName = try await world.error("auditTokens", ["profiles": ["ok", "-bad"]])
      #expect(badName["data"]?["errors"]?.arrayValue?.first?["path"] == "/profiles/1")
      #expect(world.sandbox.callCounts.isEmpty)
    }
  }

  @Test func noTokenSecretReachesTheAuditOrItsProgress() async throws {
    let world = try SandboxedServer(sandboxClock: true)
    defer { Task { await world.close() } }
    Self.seedCases(world.sandbox)
    let request: JSONValue = [
      "jsonrpc": "2.0", "id": 1, "method": "auditTokens",
      "params": ["profiles": ["admin", "user"], "scope": "workspace", "_meta": ["progressToken": "p"]],
    ]
    world.server.connection.receive(JSONWriter.bytes(request)[...])
    let messages = try await world.server.writer.waitUntil { $0.contains { $0["id"] == 1 } }
    #expect(messages.last?["result"]?["workspaces"]?.arrayValue?.first?["findings"]?.arrayValue?.isEmpty == false)
    let output = world.server.writer.rawMessages.map { String(decoding: $0, as: UTF8.self) }.joined()
    let secrets = world.sandbox.workspace.tokens.map(\.value)
    #expect(secrets.count == Self.cases.count + 3)
    #expect(secrets.allSatisfy { !output.contains($0) })
  }
}
