import Databricks
import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// `rotateToken` and `createToken`'s `saveAsProfile` against the sandbox: the new token is saved before the old one
/// is revoked, a fault at any step leaves the profile with a working token and no orphan, the old token is revoked
/// only when its id is known for certain, and the new token's value appears nowhere but in the profile.
@Suite(.timeLimit(.minutes(1))) struct RotateTokenTests {
  static let create = "/api/2.0/token/create"
  static let me = "/api/2.0/preview/scim/v2/Me"
  static let delete = "/api/2.0/token/delete"

  /// The admin's bootstrap token's id: the token the `admin` profile holds at the start.
  func adminTokenId(_ world: SandboxedServer) throws -> String {
    try #require(world.sandbox.workspace.tokens.first { $0.value == world.sandbox.adminToken }?.id)
  }

  func profile(_ world: SandboxedServer, _ name: String) throws -> [String: String] {
    let path = world.home.configFile.path
    let bytes = try #require(FileManager.default.contents(atPath: path))
    return try #require(ConfigFile(path: path, bytes: Array(bytes)).profile(name)?.attributes)
  }

  func adminTokenCount(_ world: SandboxedServer) -> Int {
    world.sandbox.workspace.tokens.filter { $0.ownerID == SandboxSeed.admin.id }.count
  }

  /// The profile's token works against the workspace (a call through the service with it succeeds).
  func works(_ world: SandboxedServer, _ name: String) async throws -> Bool {
    try await world.call("listTokens", ["profile": .string(name)])["result"] != nil
  }

  @Test func rotatesWithAGivenOldIdSavingFirstAndRecordingTheNewId() async throws {
    try await SandboxedServer.with { world in
      let oldId = try adminTokenId(world)
      let result = try await world.result("rotateToken", ["revokeTokenId": .string(oldId), "lifetimeSeconds": 86_400])
      #expect(result["profile"] == "admin")
      #expect(result["oldTokenId"] == .string(oldId))
      #expect(result["oldTokenRevoked"] == true)
      #expect(result["reason"] == nil)
      let newId = try #require(result["tokenId"]?.stringValue)
      let attributes = try profile(world, "admin")
      let newToken = try #require(attributes["token"])
      #expect(newToken != world.sandbox.adminToken)
      let record = try #require(world.sandbox.workspace.tokens.first { $0.id == newId })
      #expect(record.value == newToken)
      #expect(record.comment == "sandbox bootstrap token", "the old token's comment is kept")
      #expect(MintedTokenRecord.matching(attributes)?.tokenId == newId)
      #expect(!world.sandbox.workspace.tokens.contains { $0.id == oldId })
      #expect(try await works(world, "admin"))
      // The value is in the profile and nowhere in the answer.
      #expect(!String(decoding: JSONWriter.bytes(result), as: UTF8.self).contains(newToken))
      let expiresAt = try #require(result["expiresAt"]?.stringValue.flatMap(RFC3339.parse))
      #expect(abs(expiresAt.timeIntervalSince(Date()) - 86_400) < 600)
      // The old profile file went to .bak and the new one is private.
      let mode = try FileManager.default.attributesOfItem(atPath: world.home.configFile.path)[.posixPermissions]
      #expect(mode as? Int == 0o600)
      let backup = try String(contentsOfFile: world.home.configFile.path + ".bak", encoding: .utf8)
      #expect(backup.contains(world.sandbox.adminToken))
    }
  }

  @Test func aSecondRotationRevokesTheTokenBrickauthMintedAndKeepsItsComment() async throws {
    try await SandboxedServer.with { world in
      let first = try await world.result("rotateToken", ["comment": "ci robot"])
      #expect(first["oldTokenRevoked"] == false, "brickauth did not mint the bootstrap token")
      #expect(first["oldTokenId"] == nil)
      #expect(first["reason"]?.stringValue?.contains("not known for certain") == true)
      #expect(world.sandbox.workspace.tokens.contains { $0.value == world.sandbox.adminToken }, "left alive")
      let firstId = try #require(first["tokenId"]?.stringValue)
      let second = try await world.result("rotateToken")
      #expect(second["oldTokenId"] == .string(firstId))
      #expect(second["oldTokenRevoked"] == true)
      #expect(!world.sandbox.workspace.tokens.contains { $0.id == firstId })
      let secondId = try #require(second["tokenId"]?.stringValue)
      #expect(world.sandbox.workspace.tokens.first { $0.id == secondId }?.comment == "ci robot")
      #expect(try await works(world, "admin"))
    }
  }

  @Test func aTokenReplacedByHandIsNeverRevokedOnTheRecordsWord() async throws {
    try await SandboxedServer.with { world in
      let first = try await world.result("rotateToken")
      let mintedId = try #require(first["tokenId"]?.stringValue)
      // The user pastes another token of theirs into the profile; the record still names the minted one.
      let typed = try await world.result("createToken", ["comment": "typed"])
      let typedValue = try #require(typed["tokenValue"]?.stringValue)
      try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
        try document.set("token", to: typedValue, in: "admin")
      }
      let second = try await world.result("rotateToken")
      #expect(second["oldTokenRevoked"] == false)
      #expect(second["oldTokenId"] == nil)
      #expect(world.sandbox.workspace.tokens.contains { $0.id == mintedId }, "the recorded token is not the old one")
      #expect(world.sandbox.workspace.tokens.contains { $0.value == typedValue }, "unknown id: left alive")
    }
  }

  /// After a fault before the save: the config is byte for byte as it was, the old token works, no new token is left.
  func expectUntouched(_ world: SandboxedServer, before: Data, tokens: Int) async throws {
    #expect(FileManager.default.contents(atPath: world.home.configFile.path) == before)
    #expect(try await works(world, "admin"))
    #expect(adminTokenCount(world) == tokens)
  }

  @Test func aFailedCreateLeavesEverythingAsItWas() async throws {
    try await SandboxedServer.with { world in
      let before = try #require(FileManager.default.contents(atPath: world.home.configFile.path))
      let tokens = adminTokenCount(world)
      let body: JSONValue = ["error_code": "QUOTA_EXCEEDED", "message": "Quota exceeded."]
      world.sandbox.injectFault(.respond(status: 400, body: body), path: Self.create, method: "POST")
      let error = try await world.error("rotateToken", ["revokeTokenId": .string(try adminTokenId(world))])
      #expect(error["data"]?["kind"] == "policy_violation")
      try await expectUntouched(world, before: before, tokens: tokens)
      #expect(world.sandbox.callCount("POST", Self.delete) == 0)
    }
  }

  @Test func aNewTokenThatFailsTheCheckIsRevokedAndNotSaved() async throws {
    try await SandboxedServer.with { world in
      let before = try #require(FileManager.default.contents(atPath: world.home.configFile.path))
      let tokens = adminTokenCount(world)
      let body: JSONValue = ["error_code": 403, "message": "Invalid access token."]
      world.sandbox.injectFault(.respond(status: 403, body: body), path: Self.me, method: "GET")
      let error = try await world.error("rotateToken", ["revokeTokenId": .string(try adminTokenId(world))])
      #expect(error["data"]?["kind"] == "auth_required")
      #expect(world.sandbox.callCount("GET", Self.me) == 1, "asked once, with the new token")
      #expect(world.sandbox.callCount("POST", Self.delete) == 1, "the new token, not the old one")
      try await expectUntouched(world, before: before, tokens: tokens)
    }
  }

  @Test func aConfigThatCannotBeWrittenRevokesTheNewToken() async throws {
    try await SandboxedServer.with { world in
      let path = world.home.configFile.path
      let before = try #require(FileManager.default.contents(atPath: path))
      let tokens = adminTokenCount(world)
      let elsewhere = world.home.directory.appendingPathComponent("elsewhere").path
      try FileManager.default.createSymbolicLink(atPath: path + ".lock", withDestinationPath: elsewhere)
      let error = try await world.error("rotateToken", ["revokeTokenId": .string(try adminTokenId(world))])
      #expect(error["data"]?["kind"] == "config_invalid")
      #expect(!FileManager.default.fileExists(atPath: elsewhere))
      try await expectUntouched(world, before: before, tokens: tokens)
      #expect(world.sandbox.workspace.tokens.contains { $0.value == world.sandbox.adminToken })
    }
  }

  @Test func aFailedFinalRevokeKeepsTheNewTokenAndSaysSo() async throws {
    try await SandboxedServer.with { world in
      let oldId = try adminTokenId(world)
      let tokens = adminTokenCount(world)
      let body: JSONValue = ["error_code": "INVALID_STATE", "message": "Revocation is paused."]
      world.sandbox.injectFault(.respond(status: 400, body: body), path: Self.delete, method: "POST")
      let result = try await world.result("rotateToken", ["revokeTokenId": .string(oldId)])
      #expect(result["oldTokenRevoked"] == false)
      #expect(result["oldTokenId"] == .string(oldId))
      #expect(result["reason"]?.stringValue?.contains("Revocation is paused.") == true)
      let newId = try #require(result["tokenId"]?.stringValue)
      let attributes = try profile(world, "admin")
      #expect(world.sandbox.workspace.tokens.first { $0.id == newId }?.value == attributes["token"])
      #expect(world.sandbox.workspace.tokens.contains { $0.id == oldId })
      #expect(adminTokenCount(world) == tokens + 1)
      #expect(try await works(world, "admin"))
    }
  }

  @Test func onlyAPersonalAccessTokenProfileOfTheConfigRotates() async throws {
    try await SandboxedServer.with { world in
      let oauth = try await world.error("rotateToken", ["profile": "needs-login"])
      #expect(oauth["code"] == -32602)
      #expect(oauth["data"]?["errors"]?.arrayValue?.first?["path"] == "/profile")
      let lifetime = try await world.error("rotateToken", ["lifetimeSeconds": 0])
      #expect(lifetime["data"]?["errors"]?.arrayValue?.first?["path"] == "/lifetimeSeconds")
      let id = try await world.error("rotateToken", ["revokeTokenId": ""])
      #expect(id["data"]?["errors"]?.arrayValue?.first?["path"] == "/revokeTokenId")
      #expect(world.sandbox.callCount("POST", Self.create) == 0)
    }
  }

  // MARK: createToken saveAsProfile

  @Test func savesANewPATProfileWithItsIdRecorded() async throws {
    try await SandboxedServer.with { world in
      let result = try await world.result(
        "createToken",
        ["saveAsProfile": "robot", "comment": "robot", "lifetimeSeconds": 86_400]
      )
      #expect(result["savedAsProfile"] == "robot")
      let id = try #require(result["tokenId"]?.stringValue)
      let attributes = try profile(world, "robot")
      #expect(attributes["host"] == world.sandbox.baseURL.absoluteString.trimmingCharacters(in: ["/"]))
      #expect(attributes["token"] == result["tokenValue"]?.stringValue)
      #expect(MintedTokenRecord.matching(attributes)?.tokenId == id)
      #expect(try await works(world, "robot"))
      // Its id is known: rotating it revokes it.
      let rotated = try await world.result("rotateToken", ["profile": "robot"])
      #expect(rotated["oldTokenId"] == .string(id))
      #expect(rotated["oldTokenRevoked"] == true)
      #expect(world.sandbox.workspace.tokens.first { $0.id == rotated["tokenId"]?.stringValue }?.comment == "robot")
    }
  }

  @Test func refusesABadOrExistingNameBeforeCreatingAnything() async throws {
    try await SandboxedServer.with { world in
      let bad = try await world.error("createToken", ["saveAsProfile": "-h"])
      #expect(bad["data"]?["errors"]?.arrayValue?.first?["path"] == "/saveAsProfile")
      let existing = try await world.error("createToken", ["saveAsProfile": "user"])
      #expect(existing["data"]?["errors"]?.arrayValue?.first?["path"] == "/saveAsProfile")
      #expect(world.sandbox.callCount("POST", Self.create) == 0)
    }
  }

  @Test func aSavedProfileWhoseCheckFailsIsNotWrittenAndItsTokenIsRevoked() async throws {
    try await SandboxedServer.with { world in
      let before = try #require(FileManager.default.contents(atPath: world.home.configFile.path))
      let tokens = adminTokenCount(world)
      let body: JSONValue = ["error_code": 403, "message": "Invalid access token."]
      world.sandbox.injectFault(.respond(status: 403, body: body), path: Self.me, method: "GET")
      let error = try await world.error("createToken", ["saveAsProfile": "robot"])
      #expect(error["data"]?["kind"] == "auth_required")
      try await expectUntouched(world, before: before, tokens: tokens)
    }
  }

  @Test func overMCPTheSavedTokensValueIsWithheld() async throws {
    try await SandboxedServer.with { world in
      let result = try await world.result(
        "tools/call",
        ["name": "createToken", "arguments": ["saveAsProfile": "agent"]]
      )
      #expect(result["isError"] == false)
      #expect(result["structuredContent"]?["tokenValue"] == .null)
      #expect(result["structuredContent"]?["savedAsProfile"] == "agent")
      let value = try #require(try profile(world, "agent")["token"])
      #expect(!String(decoding: JSONWriter.bytes(result), as: UTF8.self).contains(value))
      #expect(try await works(world, "agent"))
    }
  }

  // MARK: Expiry of profile tokens

  @Test func listProfilesAndDescribeProfileReportARecordedExpiry() async throws {
    try await SandboxedServer.with { world in
      _ = try await world.result("createToken", ["saveAsProfile": "soon", "lifetimeSeconds": 259_200])
      _ = try await world.result("createToken", ["saveAsProfile": "later", "lifetimeSeconds": 2_592_000])
      let list = try await world.result("listProfiles", ["validate": true])
      let profiles = try #require(list["profiles"]?.arrayValue)
      func credential(_ name: String) -> JSONValue? { profiles.first { $0["name"] == .string(name) }?["credential"] }
      #expect(credential("soon")?["expiringSoon"] == true)
      #expect(credential("later")?["expiringSoon"] == false)
      let later = try #require(credential("later")?["expiresAt"]?.stringValue.flatMap(RFC3339.parse))
      #expect(abs(later.timeIntervalSince(Date()) - 30 * 86_400) < 600)
      #expect(credential("admin")?["expiresAt"] == nil, "not minted by brickauth: unknown")
      #expect(credential("admin")?["expiringSoon"] == nil)
      let plain = try await world.result("listProfiles")
      #expect(plain["profiles"]?.arrayValue?.first { $0["name"] == "soon" }?["credential"]?["expiringSoon"] == nil)
      let soon = try await world.result("describeProfile", ["profile": "soon"])
      #expect(soon["expiringSoon"] == true)
      #expect(soon["expiresAt"]?.stringValue.flatMap(RFC3339.parse) != nil)
      let admin = try await world.result("describeProfile", ["profile": "admin"])
      #expect(admin["expiresAt"] == nil)
    }
  }
}
