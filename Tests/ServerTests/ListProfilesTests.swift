import Databricks
import Foundation
import JSON
import Server
import TestSupport
import Testing

/// `listProfiles` through the real handler, against real files in a scratch home.
@Suite(.timeLimit(.minutes(1))) struct ListProfilesTests {
  static let config = """
    ; my profiles
    [DEFAULT]
    host = https://adb-123.azuredatabricks.net/
    token = dapiDEFAULTSECRET

    [dev]
    host  = dev.cloud.databricks.com/?o=4242
    auth_type = databricks-cli

    [acct]
    host = https://accounts.cloud.databricks.com
    account_id = abc-123

    [m2m]
    host = https://m.example
    client_id = id
    client_secret = SPSECRET

    [nohost]
    token = dapiNOHOSTSECRET

    [__settings__]
    default_profile = dev
    """

  static let tokenCache = """
    {"version": 1, "tokens": {
      "dev": {"access_token": "ACCESSSECRET", "token_type": "Bearer", "refresh_token": "REFRESHSECRET",
              "expiry": "2026-08-21T14:37:20.935183+02:00"},
      "https://accounts.cloud.databricks.com/oidc/accounts/abc-123": {"access_token": "ACCOUNTSECRET",
              "expiry": "0001-01-01T00:00:00Z"}
    }}
    """

  /// A server whose `HOME` is a fresh directory holding `config` (and `tokenCache`, when given).
  func server(_ directory: URL, config: String? = Self.config, tokenCache: String? = Self.tokenCache) throws
    -> InProcessServer
  {
    if let config {
      try config.write(to: directory.appendingPathComponent(".databrickscfg"), atomically: true, encoding: .utf8)
    }
    if let tokenCache {
      let folder = directory.appendingPathComponent(".databricks")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try tokenCache.write(to: folder.appendingPathComponent("token-cache.json"), atomically: true, encoding: .utf8)
    }
    return InProcessServer(environment: ["HOME": directory.path])
  }

  @Test func listsEveryProfileWithItsCredentialStateAndNoSecrets() async throws {
    try await ScratchDirectory.with { directory in
      let response = try await server(directory).call("listProfiles")
      let result = try #require(response["result"])
      #expect(result["configFile"] == .string(directory.appendingPathComponent(".databrickscfg").path))
      #expect(result["defaultProfile"] == "dev")
      let profiles = try #require(result["profiles"]?.arrayValue)
      #expect(profiles.compactMap { $0["name"]?.stringValue } == ["DEFAULT", "dev", "acct", "m2m", "nohost"])
      #expect(
        profiles[0] == [
          "name": "DEFAULT", "host": "https://adb-123.azuredatabricks.net", "level": "workspace", "authType": "pat",
          "isDefault": false, "credential": ["kind": "pat", "cached": true], "loginRequired": false,
        ]
      )
      #expect(
        profiles[1] == [
          "name": "dev", "host": "https://dev.cloud.databricks.com", "workspaceId": "4242", "level": "workspace",
          "authType": "databricks-cli", "isDefault": true,
          "credential": ["kind": "oauth", "cached": true, "expiresAt": "2026-08-21T12:37:20Z"],
          "loginRequired": false,
        ]
      )
      #expect(
        profiles[2] == [
          "name": "acct", "host": "https://accounts.cloud.databricks.com", "accountId": "abc-123", "level": "account",
          "authType": "databricks-cli", "isDefault": false, "credential": ["kind": "oauth", "cached": true],
          "loginRequired": false,
        ]
      )
      #expect(profiles[3]["credential"] == ["kind": "m2m", "cached": false])
      #expect(profiles[4]["host"] == .null)
      #expect(profiles[4]["credential"]?["kind"] == "pat")
      #expect(profiles[4]["loginRequired"] == true)
      #expect(
        profiles[4]["loginRequiredReason"] == "The profile nohost has no usable credential: no host. Call login."
      )
      let text = String(decoding: JSONWriter.bytes(response), as: UTF8.self)
      for secret in ["DEFAULTSECRET", "SPSECRET", "NOHOSTSECRET", "ACCESSSECRET", "REFRESHSECRET", "ACCOUNTSECRET"] {
        #expect(!text.contains(secret))
      }
    }
  }

  @Test func aMissingConfigFileIsAnEmptyList() async throws {
    try await ScratchDirectory.with { directory in
      let result = try #require(
        try await server(directory, config: nil, tokenCache: nil).call("listProfiles")["result"]
      )
      #expect(result["profiles"] == [])
      #expect(result["defaultProfile"] == .null)
    }
  }

  @Test func aBrokenConfigFileIsConfigInvalidWithPathAndLine() async throws {
    try await ScratchDirectory.with { directory in
      let server = try server(directory, config: "[ok]\nhost = https://a\n[[[[[bad\n")
      let error = try #require(try await server.call("listProfiles")["error"])
      #expect(ApplicationError(errorObject: error) == .configInvalid)
      #expect(error["data"]?["kind"] == "config_invalid")
      #expect(error["data"]?["line"] == 3)
      #expect(error["data"]?["path"] == .string(directory.appendingPathComponent(".databrickscfg").path))
      #expect(error["data"]?["retryable"] == false)
      // The service keeps serving.
      #expect(try await server.call("ping", id: 2)["result"] == [:])
    }
  }

  @Test func aBrokenTokenCacheOnlyHidesCachedTokens() async throws {
    try await ScratchDirectory.with { directory in
      let result = try #require(try await server(directory, tokenCache: "{not json").call("listProfiles")["result"])
      #expect(result["profiles"]?.arrayValue?[1]["credential"] == ["kind": "oauth", "cached": false])
      #expect(result["profiles"]?.arrayValue?[1]["loginRequired"] == false, "unreadable: not known to be missing")
    }
  }

  /// `loginRequired` from the files alone, with the reason `getToken` gives; a token without a refresh token turns
  /// into one needing a sign-in when it enters the refresh margin, with no file changing.
  @Test func loginRequiredIsKnownFromTheFilesWithGetTokensReason() async throws {
    try await ScratchDirectory.with { directory in
      let config = """
        [fresh]
        host = https://fresh.example
        auth_type = databricks-cli
        [gone]
        host = https://gone.example
        auth_type = databricks-cli
        [stale]
        host = https://stale.example
        auth_type = databricks-cli
        [soon]
        host = https://soon.example
        auth_type = databricks-cli
        """
      let tokenCache = """
        {"version": 1, "tokens": {
          "fresh": {"access_token": "A1", "refresh_token": "R1", "expiry": "2020-01-01T00:00:00Z"},
          "stale": {"access_token": "A2", "expiry": "2027-01-15T08:00:00Z"},
          "soon": {"access_token": "A3", "expiry": "2027-01-15T08:10:00Z"}
        }}
        """
      try config.write(to: directory.appendingPathComponent(".databrickscfg"), atomically: true, encoding: .utf8)
      let folder = directory.appendingPathComponent(".databricks")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try tokenCache.write(to: folder.appendingPathComponent("token-cache.json"), atomically: true, encoding: .utf8)
      // 2027-01-15T08:00:00Z: `stale` expires now, `soon` in 10 minutes.
      let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
      let server = InProcessServer(environment: ["HOME": directory.path], now: clock.now)
      var nextID: Int64 = 0
      // Each call its own id: the server's writer keeps every answer, and `call` takes the last one with its id.
      func call(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        nextID += 1
        return try await server.call(method, id: .int(nextID), params: params)
      }
      func states() async throws -> [String: JSONValue] {
        let profiles = try await call("listProfiles")["result"]?["profiles"]?.arrayValue ?? []
        return Dictionary(uniqueKeysWithValues: profiles.map { ($0["name"]?.stringValue ?? "", $0) })
      }
      var listed = try await states()
      #expect(listed["fresh"]?["loginRequired"] == false, "expired, but a refresh token can replace it")
      #expect(listed["soon"]?["loginRequired"] == false)
      for name in ["gone", "stale"] {
        #expect(listed[name]?["loginRequired"] == true)
        let error = try await call("getToken", ["profile": .string(name)])["error"]
        #expect(error?["data"]?["kind"] == "auth_required")
        #expect(listed[name]?["loginRequiredReason"] == error?["message"], "the reason getToken gives")
        let described = try await call("describeProfile", ["profile": .string(name)])["result"]
        #expect(described?["loginRequired"] == true)
        #expect(described?["loginRequiredReason"] == error?["message"])
      }
      #expect(listed["gone"]?["loginRequiredReason"]?.stringValue?.contains("no OAuth token is cached") == true)
      #expect(listed["stale"]?["loginRequiredReason"]?.stringValue?.contains("no refresh token") == true)
      // Six minutes on, `soon` is inside the 5-minute margin: the remembered answer is not reused.
      clock.advance(seconds: 360)
      listed = try await states()
      #expect(listed["soon"]?["loginRequired"] == true)
    }
  }

  /// A FIFO at the config would block `open` on a thread of the shared pool until some writer came: nothing else
  /// (not even `ping`) would be answered. It is refused at once, and the service keeps serving.
  @Test func aFIFOAtTheConfigIsConfigInvalidAtOnce() async throws {
    try await ScratchDirectory.with { directory in
      let server = try server(directory, config: nil)
      let path = directory.appendingPathComponent(".databrickscfg").path
      let fifo = try PlantedFIFO(at: path)
      let error = try #require(try await fifo.bounded { try await server.call("listProfiles") }["error"])
      #expect(error["data"]?["kind"] == "config_invalid")
      #expect(error["data"]?["path"] == .string(path))
      #expect(error["message"] == .string("Cannot read the config file \(path): not a regular file"))
      #expect(try await fifo.bounded { try await server.call("ping", id: 2) }["result"] == [:])
    }
  }

  /// A FIFO at the token cache hides cached tokens from the listing, and a request that needs one is
  /// `config_invalid`, both at once.
  @Test func aFIFOAtTheTokenCacheIsRefusedAtOnce() async throws {
    try await ScratchDirectory.with { directory in
      let server = try server(directory, tokenCache: nil)
      let path = TokenCacheStore.defaultPath(home: directory.path)
      try FileManager.default.createDirectory(
        atPath: AtomicFileWriter.directory(of: path),
        withIntermediateDirectories: true
      )
      let fifo = try PlantedFIFO(at: path)
      let listed = try #require(try await fifo.bounded { try await server.call("listProfiles") }["result"])
      #expect(listed["profiles"]?.arrayValue?[1]["credential"] == ["kind": "oauth", "cached": false])
      let error = try #require(
        try await fifo.bounded { try await server.call("getToken", id: 2, params: ["profile": "dev"]) }["error"]
      )
      #expect(error["data"]?["kind"] == "config_invalid")
      #expect(error["data"]?["path"] == .string(path))
    }
  }

  @Test func seesChangesToTheFilesWithoutARestart() async throws {
    try await ScratchDirectory.with { directory in
      let server = try server(directory, tokenCache: nil)
      #expect(try await server.call("listProfiles", id: 1)["result"]?["profiles"]?.arrayValue?.count == 5)
      try "[only]\nhost = https://o\n".write(
        to: directory.appendingPathComponent(".databrickscfg"),
        atomically: true,
        encoding: .utf8
      )
      let result = try #require(try await server.call("listProfiles", id: 2)["result"])
      #expect(result["profiles"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["only"])
      #expect(result["defaultProfile"] == .null)
    }
  }

  @Test func followsTheConfigFileAndProfileEnvironmentVariables() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("elsewhere.cfg").path
      try "[a]\nhost = https://a\n[b]\nhost = https://b\n".write(toFile: path, atomically: true, encoding: .utf8)
      let server = InProcessServer(environment: [
        "HOME": directory.path, "DATABRICKS_CONFIG_FILE": path, "DATABRICKS_CONFIG_PROFILE": "b",
      ])
      let result = try #require(try await server.call("listProfiles")["result"])
      #expect(result["configFile"] == .string(path))
      #expect(result["defaultProfile"] == "b")
      #expect(result["profiles"]?.arrayValue?.map { $0["isDefault"] } == [false, true])
    }
  }

  @Test func refusesUnknownParams() async throws {
    try await ScratchDirectory.with { directory in
      let error = try #require(try await server(directory).call("listProfiles", params: ["bogus": true])["error"])
      #expect(error["code"] == -32602)
    }
  }

  @Test func describeProfileNamesEnvironmentVariablesAsSourcesAndMasksSecrets() async throws {
    try await ScratchDirectory.with { directory in
      // Nothing listens on port 1, so the live check fails fast and locally.
      let server = InProcessServer(environment: [
        "HOME": directory.path, "DATABRICKS_HOST": "http://127.0.0.1:1",
        "DATABRICKS_TOKEN": "dapiENVSECRET00000000000000000000",
      ])
      let response = try await server.call("describeProfile")
      let result = try #require(response["result"])
      #expect(result["source"] == "environment")
      #expect(result["profile"] == .null)
      #expect(result["authType"] == "pat")
      #expect(
        result["configuration"]?["token"] == ["value": "********", "source": "DATABRICKS_TOKEN environment variable"]
      )
      #expect(
        result["configuration"]?["host"] == [
          "value": "http://127.0.0.1:1", "source": "DATABRICKS_HOST environment variable",
        ]
      )
      #expect(result["valid"] == false)
      #expect(!String(decoding: JSONWriter.bytes(response), as: UTF8.self).contains("ENVSECRET"))
    }
  }
}
