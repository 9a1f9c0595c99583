import Databricks
import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// How methods meet the profile they run as when the config file says something new: a host that must not get a
/// credential, a token rotated under a running service.
@Suite(.timeLimit(.minutes(1))) struct ProfileChangesTests {
  /// Profile names compare byte for byte, as the CLI's Go strings do: `café` precomposed and `café` decomposed are two
  /// profiles, and a login to one leaves the other's section as it was.
  @Test func canonicallyEquivalentNamesAreTwoProfiles() async throws {
    try await SandboxedServer.with { world in
      let composed = "caf\u{E9}"
      let decomposed = "cafe\u{301}"
      let path = world.home.configFile.path
      try await ConfigEditor.edit(path) { document throws(INIEditError) in
        try document.set("host", to: "https://composed.example", in: composed)
        try document.set("token", to: "dapi-composed", in: composed)
      }
      let host = world.sandbox.baseURL.absoluteString
      let result = try await world.result("login", ["profile": .string(decomposed), "host": .string(host)])
      #expect(result["status"] == "complete")
      let config = try ConfigFile(path: path, bytes: try #require(FileManager.default.contents(atPath: path)))
      #expect(config.profileNames.map { Array($0.utf8) }.contains(Array(composed.utf8)))
      #expect(config.profileNames.map { Array($0.utf8) }.contains(Array(decomposed.utf8)))
      let text = try String(contentsOf: world.home.configFile, encoding: .utf8)
      #expect(text.contains("host = https://composed.example\ntoken = dapi-composed\n"), "untouched")
    }
  }

  /// The token cache keeps their OAuth tokens apart too: each profile's `getToken` answers its own cached token, and a
  /// logout of one leaves the other's entry in the file.
  @Test func canonicallyEquivalentNamesHaveTheirOwnCachedTokens() async throws {
    try await SandboxedServer.with { world in
      let (composed, decomposed) = ("caf\u{E9}", "cafe\u{301}")
      let host = world.sandbox.baseURL.absoluteString
      try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
        for name in [composed, decomposed] {
          try document.set("host", to: host, in: name)
          try document.set("auth_type", to: "databricks-cli", in: name)
        }
      }
      var cache = TokenCacheFile()
      cache.set(.init(accessToken: "access-composed", expiry: nil), forKeys: [composed])
      cache.set(.init(accessToken: "access-decomposed", expiry: nil), forKeys: [decomposed])
      let cacheURL = world.home.directory.appendingPathComponent(".databricks/token-cache.json")
      try FileManager.default.createDirectory(
        at: cacheURL.deletingLastPathComponent(),
        withIntermediateDirectories: true
      )
      try Data(cache.bytes).write(to: cacheURL)
      #expect(try await world.result("getToken", ["profile": .string(composed)])["accessToken"] == "access-composed")
      #expect(
        try await world.result("getToken", ["profile": .string(decomposed)])["accessToken"] == "access-decomposed"
      )
      _ = try await world.result("logout", ["profile": .string(decomposed)])
      let after = try TokenCacheFile(bytes: Array(try Data(contentsOf: cacheURL)))
      #expect(after.entry(composed)?.accessToken == "access-composed")
      #expect(after.entry(decomposed) == nil)
    }
  }

  @Test func aPlainHTTPHostOtherThanThisMachineIsRefusedBeforeAnyRequest() async throws {
    try await SandboxedServer.with { world in
      let path = world.home.configFile.path
      try await ConfigEditor.edit(path) { document throws(INIEditError) in
        try document.set("host", to: "http://example.com", in: "plain")
        try document.set("token", to: "dapi0000000000000000000000000000000000", in: "plain")
      }
      let config = try ConfigFile(path: path, bytes: try #require(FileManager.default.contents(atPath: path)))
      let hostLine = try #require(config.section("plain")?.keyLines["host"])
      let error = try await world.error("listTokens", ["profile": "plain"])
      #expect(ApplicationError(errorObject: error) == .configInvalid)
      let message = "The host http://example.com must use https:// (plain http:// is allowed only for this machine)"
      #expect(error["message"] == .string(message))
      #expect(
        error["data"] == [
          "kind": "config_invalid", "retryable": false, "profile": "plain", "host": "http://example.com",
          "path": .string(path), "line": .int(Int64(hostLine)),
        ]
      )
      // Refused from the profile alone: the sandbox saw nothing, and no network error or HTTP status came back.
      #expect(world.sandbox.callCounts.isEmpty)
    }
  }

  @Test func aTokenRotatedInTheConfigFileIsUsedByTheNextCall() async throws {
    try await SandboxedServer.with { world in
      let created = try await world.result("createToken", ["comment": "rotated in"])
      let newID = try #require(created["tokenId"])
      let newValue = try #require(created["tokenValue"]?.stringValue)
      // The running service holds a session on the old token; once the workspace no longer takes it, calls fail.
      world.sandbox.revokeToken(value: world.sandbox.adminToken)
      let stale = try await world.error("listTokens")
      #expect(stale["data"]?["kind"] == "auth_required")
      try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
        try document.set("token", to: newValue, in: "admin")
      }
      let listed = try await world.result("listTokens")
      let ids = listed["tokens"]?.arrayValue?.compactMap { $0["tokenId"] } ?? []
      #expect(Set(ids) == [newID, .string(SandboxHome.oldLaptopTokenID)])
      #expect(try await world.result("getTokenSettings")["tokensEnabled"] == true)
    }
  }
}
