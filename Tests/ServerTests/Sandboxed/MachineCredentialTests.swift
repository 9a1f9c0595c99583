import Basics
import Databricks
import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// Service principals (`oauth-m2m`) and workload identity federation (`env-oidc`, `file-oidc`, `github-oidc`)
/// against the sandbox: tokens minted once for all concurrent callers, held in memory, minted anew when they expire,
/// and usable by every method as the service principal.
@Suite(.timeLimit(.minutes(1))) struct MachineCredentialTests {
  private let clientID = SandboxSeed.servicePrincipal.applicationID ?? ""
  private let tokenPath = "/oidc/v1/token"

  private func addProfile(_ world: SandboxedServer, _ name: String, _ keys: [(String, String)]) async throws {
    try await ConfigEditor.edit(world.home.configFile.path) { document throws(INIEditError) in
      for (key, value) in keys { try document.set(key, to: value, in: name) }
    }
  }

  private func getTokens(_ world: SandboxedServer, _ params: JSONValue, count: Int) async throws -> Set<String> {
    try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<count {
        group.addTask { try #require(try await world.result("getToken", params)["accessToken"]?.stringValue) }
      }
      var tokens: Set<String> = []
      for try await token in group { tokens.insert(token) }
      return tokens
    }
  }

  @Test func hundredConcurrentGetTokensMintOnceAndForceRefreshMintsOnceMore() async throws {
    try await SandboxedServer.with { world in
      let tokens = try await getTokens(world, ["profile": "sp"], count: 100)
      #expect(tokens.count == 1)
      #expect(world.sandbox.callCount("POST", tokenPath) == 1)
      #expect(world.sandbox.tokenRequestCount(grantType: "client_credentials") == 1)
      let forced = try await getTokens(world, ["profile": "sp", "forceRefresh": true], count: 20)
      #expect(forced.count == 1 && forced != tokens, "one new token for all the concurrent forced callers")
      #expect(world.sandbox.callCount("POST", tokenPath) == 2)
      let listed = try await world.result("listTokens", ["profile": "sp"])
      #expect(listed["tokens"] == [], "the workspace takes the minted token: the service principal has no PATs")
      #expect(world.sandbox.callCount("POST", tokenPath) == 2, "the held token serves the API call")
    }
  }

  /// The rejected-token protocol holds for minted tokens too: fifty callers reporting the held token refused share one
  /// new mint, and reporting a token already replaced mints nothing.
  @Test func fiftyCallersRejectingTheMintedTokenMintOnceAndAReplacedOneNone() async throws {
    try await SandboxedServer.with { world in
      let first = try #require(try await getTokens(world, ["profile": "sp"], count: 1).first)
      #expect(world.sandbox.tokenRequestCount(grantType: "client_credentials") == 1)
      let replaced = try await getTokens(world, ["profile": "sp", "rejectedToken": .string(first)], count: 50)
      #expect(replaced.count == 1 && !replaced.contains(first))
      #expect(world.sandbox.tokenRequestCount(grantType: "client_credentials") == 2)
      let again = try await getTokens(world, ["profile": "sp", "rejectedToken": .string(first)], count: 10)
      #expect(again == replaced, "the refused token is no longer held: the held one is answered")
      #expect(world.sandbox.tokenRequestCount(grantType: "client_credentials") == 2)
    }
  }

  @Test func anExpiringTokenIsMintedAgainOnceOnTheServicesClock() async throws {
    let home = try SandboxHome()
    let clock = SandboxClock()
    let services = Services(
      environment: home.environment(replacing: [:]),
      client: RESTClient(userAgent: "brickauth-tests", requestTimeoutSeconds: 2),
      now: { clock.now() }
    )
    do {
      let first = try await services.credentials.credential(for: "sp")
      clock.advance(bySeconds: 3600 - 299)  // within 5 minutes of the hour the sandbox's tokens live
      let again = try await withThrowingTaskGroup(of: String.self) { group in
        for _ in 0..<50 { group.addTask { try await services.credentials.credential(for: "sp").bearer } }
        var bearers: Set<String> = []
        for try await bearer in group { bearers.insert(bearer) }
        return bearers
      }
      #expect(again.count == 1 && !again.contains(first.bearer))
      #expect(home.sandbox.tokenRequestCount(grantType: "client_credentials") == 2)
    } catch {
      await home.close()
      throw error
    }
    await home.close()
  }

  @Test func theServicePrincipalIsListedDescribedAndValidatedWithItsSecretMasked() async throws {
    try await SandboxedServer.with { world in
      func summary() async throws -> JSONValue? {
        try await world.result("listProfiles")["profiles"]?.arrayValue?.first { $0["name"] == "sp" }
      }
      #expect(try await summary()?["credential"] == ["kind": "m2m", "cached": false])
      #expect(try await summary()?["authType"] == "oauth-m2m")
      let token = try await world.result("getToken", ["profile": "sp"])
      let listed = try await summary()
      #expect(listed?["credential"]?["cached"] == true)
      #expect(listed?["credential"]?["expiresAt"] == token["expiresAt"])
      let described = try await world.result("describeProfile", ["profile": "sp"])
      #expect(described["user"]?["userName"] == .string(clientID))
      #expect(described["configuration"]?["client_secret"]?["value"] == "********")
      #expect(described["tokenStorage"]?["mode"] == "memory")
      let validated = try await world.result("listProfiles", ["validate": true])["profiles"]?.arrayValue
      #expect(validated?.first { $0["name"] == "sp" }?["valid"] == true)
      let text = String(decoding: JSONWriter.bytes(described), as: UTF8.self)
      #expect(!text.contains(SandboxSeed.servicePrincipalSecret))
    }
  }

  @Test func theLocalTokenEndpointServesTheServicePrincipalsMintedToken() async throws {
    try await SandboxedServer.with { world in
      let served = try MetadataServiceTests.Served(try await world.result("serveCredentials", ["profile": "sp"]))
      let answers = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
        for _ in 0..<8 { group.addTask { try await served.get().body } }
        var bodies: [JSONValue?] = []
        for try await body in group { bodies.append(body) }
        return bodies
      }
      let tokens = Set(answers.compactMap { $0?["access_token"]?.stringValue })
      #expect(tokens.count == 1)
      let held = try #require(try await world.result("getToken", ["profile": "sp"])["accessToken"]?.stringValue)
      #expect(tokens == [held], "the endpoint and getToken share the one minted token")
      #expect(world.sandbox.tokenRequestCount(grantType: "client_credentials") == 1)
    }
  }

  @Test func anAccountServicePrincipalMintsAtTheAccountsTokenEndpoint() async throws {
    try await SandboxedServer.with { world in
      let account = world.sandbox.accountID
      try await addProfile(
        world,
        "acct-sp",
        [
          ("host", "http://accounts.localhost:\(world.sandbox.port)"), ("account_id", account),
          ("client_id", clientID), ("client_secret", SandboxSeed.servicePrincipalSecret),
        ]
      )
      let token = try await world.result("getToken", ["profile": "acct-sp"])
      #expect(token["accessToken"]?.stringValue?.hasPrefix("eyJ") == true)
      #expect(world.sandbox.callCount("POST", "/oidc/accounts/\(account)/v1/token") == 1)
      #expect(world.sandbox.callCount("GET", "/oidc/.well-known/oauth-authorization-server") == 0)
    }
  }

  @Test func aWrongSecretIsAuthRequiredWithoutTheSecretAnywhere() async throws {
    try await SandboxedServer.with { world in
      let wrong = "dose" + String(repeating: "7", count: 32)
      try await addProfile(
        world,
        "bad-sp",
        [("host", world.sandbox.baseURL.absoluteString), ("client_id", clientID), ("client_secret", wrong)]
      )
      let error = try await world.error("getToken", ["profile": "bad-sp"])
      #expect(error["data"]?["kind"] == "auth_required")
      #expect(error["data"]?["oauthError"] == "invalid_client")
      let text = String(decoding: JSONWriter.bytes(error), as: UTF8.self)
      #expect(!text.contains(wrong))
      #expect(!text.contains(Data("\(clientID):\(wrong)".utf8).base64EncodedString()))
    }
  }

  /// `getToken` and `describeProfile` for the environment profile of `variables` (plus the sandbox's host and no
  /// config file); the sandbox is stopped before returning.
  func signInFromTheEnvironment(
    _ sandbox: DatabricksSandbox,
    _ variables: [String: String]
  ) async throws -> (token: JSONValue, me: JSONValue) {
    let environment = variables.merging([
      "DATABRICKS_HOST": sandbox.baseURL.absoluteString,
      "DATABRICKS_CONFIG_FILE": "/nonexistent/brickauth-test.databrickscfg",
    ]) { $1 }
    let server = InProcessServer(environment: environment)
    let token = try await server.call("getToken", params: [:])
    let me = try await server.call("describeProfile", id: 2, params: [:])
    await sandbox.stop()
    return (token, me)
  }

  @Test func theEnvironmentsFederatedJWTIsExchanged() async throws {
    let sandbox = try DatabricksSandbox()
    let jwt = sandbox.workspace.mintSubjectToken()
    let (token, me) = try await signInFromTheEnvironment(
      sandbox,
      [
        "DATABRICKS_AUTH_TYPE": "env-oidc", "DATABRICKS_CLIENT_ID": clientID, "CI_JWT": jwt,
        "DATABRICKS_OIDC_TOKEN_ENV": "CI_JWT",
      ]
    )
    #expect(token["result"]?["profile"] == .null)
    #expect(me["result"]?["user"]?["userName"] == .string(clientID), "\(me)")
    #expect(sandbox.tokenRequestCount(grantType: "urn:ietf:params:oauth:grant-type:token-exchange") == 1)
  }

  /// A CI job names no auth type: the variables it has choose one in the SDKs' default order.
  @Test(arguments: ["github-oidc", "env-oidc", "file-oidc"])
  func federationIsChosenForTheEnvironmentWithoutAnAuthType(_ authType: String) async throws {
    let sandbox = try DatabricksSandbox()
    var variables: [String: String] = [:]
    switch authType {
    case "github-oidc":
      // Only the host and client id; GitHub Actions supplies the rest.
      variables = [
        "DATABRICKS_CLIENT_ID": clientID,
        "ACTIONS_ID_TOKEN_REQUEST_URL": sandbox.baseURL.absoluteString + "/__sandbox/github-oidc?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": SandboxSeed.githubRequestToken,
      ]
    case "env-oidc":
      variables = ["DATABRICKS_CLIENT_ID": clientID, "DATABRICKS_OIDC_TOKEN": sandbox.workspace.mintSubjectToken()]
    default:
      // The older variable name, which the Python SDK still reads.
      let file = try ScratchDirectory.make(prefix: "oidc").appendingPathComponent("token")
      try Data(sandbox.workspace.mintSubjectToken().utf8).write(to: file)
      variables = ["DATABRICKS_CLIENT_ID": clientID, "DATABRICKS_OIDC_TOKEN_FILE": file.path]
    }
    let (token, me) = try await signInFromTheEnvironment(sandbox, variables)
    #expect(token["result"]?["accessToken"]?.stringValue?.hasPrefix("eyJ") == true, "\(token)")
    #expect(me["result"]?["authType"] == .string(authType), "\(me)")
    #expect(me["result"]?["user"]?["userName"] == .string(clientID), "\(me)")
    #expect(sandbox.tokenRequestCount(grantType: "urn:ietf:params:oauth:grant-type:token-exchange") == 1)
  }

  @Test func theEnvironmentsServicePrincipalSecretMintsWithoutAConfigFile() async throws {
    let sandbox = try DatabricksSandbox()
    let environment = [
      "DATABRICKS_HOST": sandbox.baseURL.absoluteString, "DATABRICKS_CLIENT_ID": clientID,
      "DATABRICKS_CLIENT_SECRET": SandboxSeed.servicePrincipalSecret,
      "DATABRICKS_CONFIG_FILE": "/nonexistent/brickauth-test.databrickscfg",
    ]
    let server = InProcessServer(environment: environment)
    let token = try await server.call("getToken", params: [:])
    let listed = try await server.call("listTokens", id: 2, params: [:])
    await sandbox.stop()
    #expect(token["result"]?["accessToken"]?.stringValue?.hasPrefix("eyJ") == true, "\(token)")
    #expect(listed["result"]?["tokens"] == [])
    #expect(sandbox.tokenRequestCount(grantType: "client_credentials") == 1)
  }

  @Test func aRotatedTokenFileIsReadAgainAtTheNextExchange() async throws {
    try await SandboxedServer.with { world in
      let file = world.home.directory.appendingPathComponent("oidc-token")
      try Data((world.sandbox.workspace.mintSubjectToken() + "\n").utf8).write(to: file)
      try await addProfile(
        world,
        "ci",
        [
          ("host", world.sandbox.baseURL.absoluteString), ("auth_type", "file-oidc"), ("client_id", clientID),
          ("oidc_token_filepath", file.path),
        ]
      )
      #expect(try await world.result("getToken", ["profile": "ci"])["accessToken"] != nil)
      // The CI system rotates the file; a token of another subject is refused, which shows it was sent.
      let stranger = world.sandbox.workspace.mintSubjectToken(subject: "repo:someone/else:ref:refs/heads/main")
      try Data(stranger.utf8).write(to: file)
      let refused = try await world.error("getToken", ["profile": "ci", "forceRefresh": true])
      #expect(refused["data"]?["oauthError"] == "invalid_request")
      #expect(!String(decoding: JSONWriter.bytes(refused), as: UTF8.self).contains(stranger))
      try Data(world.sandbox.workspace.mintSubjectToken().utf8).write(to: file)
      #expect(try await world.result("getToken", ["profile": "ci", "forceRefresh": true])["accessToken"] != nil)
      try FileManager.default.removeItem(at: file)
      let missing = try await world.error("getToken", ["profile": "ci", "forceRefresh": true])
      #expect(missing["data"]?["kind"] == "auth_required")
      #expect(missing["message"]?.stringValue?.contains("does not exist") == true)
      #expect(world.sandbox.tokenRequestCount(grantType: "urn:ietf:params:oauth:grant-type:token-exchange") == 3)
    }
  }

  @Test func gitHubActionsIDTokenIsAskedForTheTokenEndpointAudience() async throws {
    try await SandboxedServer.with(
      environment: ["ACTIONS_ID_TOKEN_REQUEST_TOKEN": SandboxSeed.githubRequestToken]
    ) { world in
      // The job's variables are the service's own; the URL needs the port, so this server reads them from a copy.
      var environment = world.server.services.environment
      environment["ACTIONS_ID_TOKEN_REQUEST_URL"] =
        world.sandbox.baseURL.absoluteString + "/__sandbox/github-oidc?api-version=2.0"
      let server = InProcessServer(environment: environment)
      try await addProfile(
        world,
        "gha",
        [("host", world.sandbox.baseURL.absoluteString), ("auth_type", "github-oidc"), ("client_id", clientID)]
      )
      let token = try await server.call("getToken", params: ["profile": "gha"])
      #expect(token["result"]?["accessToken"] != nil, "\(token)")
      let listed = try await server.call("listTokens", id: 2, params: ["profile": "gha"])
      #expect(listed["result"]?["tokens"] == [], "\(listed)")
    }
  }

  @Test func otherCloudsAuthTypesAreListedAndAnsweredWithTheServedOnes() async throws {
    try await SandboxedServer.with { world in
      let host = world.sandbox.baseURL.absoluteString
      try await addProfile(world, "azure", [("host", host), ("auth_type", "azure-cli")])
      try await addProfile(world, "gcp", [("host", host), ("google_credentials", "{}")])
      let profiles = try await world.result("listProfiles")["profiles"]?.arrayValue ?? []
      #expect(profiles.first { $0["name"] == "azure" }?["authType"] == "azure-cli")
      #expect(profiles.first { $0["name"] == "gcp" }?["authType"] == "google-credentials")
      for name in ["azure", "gcp"] {
        let error = try await world.error("getToken", ["profile": .string(name)])
        #expect(error["data"]?["kind"] == "auth_required")
        let message = error["message"]?.stringValue ?? ""
        for served in ["pat", "databricks-cli", "oauth-m2m", "env-oidc", "file-oidc", "github-oidc"] {
          #expect(message.contains(served), "\(name): \(message)")
        }
      }
    }
  }

  @Test func aServicePrincipalLoginChecksThePairBeforeWritingIt() async throws {
    try await SandboxedServer.with { world in
      let host = world.sandbox.baseURL.absoluteString
      let before = try String(contentsOf: world.home.configFile, encoding: .utf8)
      let wrong = "dose" + String(repeating: "9", count: 32)
      let refused = try await world.error(
        "login",
        ["profile": "bot", "host": .string(host), "clientId": .string(clientID), "clientSecret": .string(wrong)]
      )
      #expect(refused["data"]?["kind"] == "auth_failed")
      #expect(!String(decoding: JSONWriter.bytes(refused), as: UTF8.self).contains(wrong))
      #expect(try String(contentsOf: world.home.configFile, encoding: .utf8) == before, "nothing written")
      let secret = SandboxSeed.servicePrincipalSecret
      let result = try await world.result(
        "login",
        ["profile": "bot", "host": .string(host), "clientId": .string(clientID), "clientSecret": .string(secret)]
      )
      #expect(result["status"] == "complete")
      #expect(result["authType"] == "oauth-m2m")
      #expect(result["user"]?["userName"] == .string(clientID))
      #expect(!String(decoding: JSONWriter.bytes(result), as: UTF8.self).contains(secret))
      let config = try String(contentsOf: world.home.configFile, encoding: .utf8)
      #expect(
        config.hasSuffix(
          "[bot]\nhost = \(host)\nauth_type = oauth-m2m\nclient_id = \(clientID)\nclient_secret = \(secret)\n"
        )
      )
      #expect(try await world.result("getToken", ["profile": "bot"])["accessToken"] != nil)
      let unpaired = try await world.error("login", ["profile": "bot", "clientId": .string(clientID)])
      #expect(unpaired["code"] == -32602)
    }
  }
}
