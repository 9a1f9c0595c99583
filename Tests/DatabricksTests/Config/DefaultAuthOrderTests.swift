import Databricks
import Testing

/// The SDKs' default credential order, one row per strategy condition and per precedence between two strategies.
@Suite struct DefaultAuthOrderTests {
  static let gitHubActions = [
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh.example/id?v=2", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "r",
  ]
  static let oidcToken = ["DATABRICKS_OIDC_TOKEN": "eyJ.jwt"]

  @Test(arguments: [
    // Each federation strategy's condition.
    (["host": "h"], oidcToken, "env-oidc", Profile.CredentialKind.federation),
    (["host": "h", "client_id": "c"], oidcToken, "env-oidc", .federation),
    (["host": "h", "oidc_token_env": "CI_JWT"], ["CI_JWT": "eyJ.jwt"], "env-oidc", .federation),
    (["host": "h", "oidc_token_filepath": "/t"], [:], "file-oidc", .federation),
    (["host": "h", "databricks_id_token_filepath": "/t"], [:], "file-oidc", .federation),
    (["host": "h", "client_id": "c"], gitHubActions, "github-oidc", .federation),
    // A strategy whose condition is not met is skipped.
    (["host": "h"], ["DATABRICKS_OIDC_TOKEN": ""], "databricks-cli", .oauth),
    (["host": "h", "oidc_token_env": "CI_JWT"], oidcToken, "databricks-cli", .oauth),
    (["host": "h"], gitHubActions, "databricks-cli", .oauth),
    (
      ["host": "h", "client_id": "c"], ["ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh.example/id"], "databricks-cli",
      .oauth
    ),
    (["host": "h", "client_id": "c"], ["ACTIONS_ID_TOKEN_REQUEST_TOKEN": "r"], "databricks-cli", .oauth),
    (["client_id": "c"], gitHubActions, "none", .none),
    ([:], oidcToken, "none", .none),
    // Precedence: an explicit auth type, then pat, basic, oauth-m2m and metadata-service before federation.
    (["host": "h", "client_id": "c", "auth_type": "databricks-cli"], gitHubActions, "databricks-cli", .oauth),
    (["host": "h", "auth_type": "file-oidc", "oidc_token_filepath": "/t"], oidcToken, "file-oidc", .federation),
    (["host": "h", "token": "t"], oidcToken, "pat", .pat),
    (["host": "h", "client_id": "c", "token": "t"], gitHubActions, "pat", .pat),
    (["host": "h", "username": "u", "password": "p"], oidcToken, "basic", .other),
    (["host": "h", "client_id": "c", "client_secret": "s"], gitHubActions, "oauth-m2m", .m2m),
    (["host": "h", "client_id": "c", "client_secret": "s"], oidcToken, "oauth-m2m", .m2m),
    (["host": "h", "metadata_service_url": "http://127.0.0.1:1/t"], oidcToken, "metadata-service", .other),
    // Among the federation strategies: env-oidc, then file-oidc, then github-oidc (the Python SDK's order).
    (["host": "h", "oidc_token_filepath": "/t"], oidcToken, "env-oidc", .federation),
    (["host": "h", "client_id": "c", "oidc_token_filepath": "/t"], gitHubActions, "file-oidc", .federation),
    (["host": "h", "client_id": "c"], oidcToken.merging(gitHubActions) { $1 }, "env-oidc", .federation),
    // Federation before the Azure and Google types.
    (["host": "h", "google_service_account": "sa"], oidcToken, "env-oidc", .federation),
    (["host": "h", "azure_client_secret": "s", "oidc_token_filepath": "/t"], [:], "file-oidc", .federation),
  ])
  func followsTheSDKsDefaultOrder(
    _ attributes: [String: String],
    _ environment: [String: String],
    _ authType: String,
    _ kind: Profile.CredentialKind
  ) {
    let picked = DefaultAuthOrder.authType(attributes, hasHost: attributes["host"] != nil, environment: environment)
    #expect(picked.0 == authType)
    #expect(picked.1 == kind)
  }

  @Test func theEnvironmentProfileIsGitHubOIDCFromHostClientIDAndTheActionsVariables() throws {
    var environment = ["DATABRICKS_HOST": "https://h.example", "DATABRICKS_CLIENT_ID": "c"]
    let resolver = ProfileResolver(environment: environment)
    #expect(try resolver.resolve(nil, in: nil, path: "/c").authType == "databricks-cli")
    environment.merge(Self.gitHubActions) { $1 }
    let profile = try ProfileResolver(environment: environment).resolve(nil, in: nil, path: "/c")
    #expect(profile.authType == "github-oidc")
    #expect(profile.credentialKind == .federation)
  }

  @Test func aConfigProfileSeesTheProcessEnvironment() throws {
    let text = "[ci]\nhost = https://h.example\nclient_id = c\n"
    let plain = try ConfigFile(path: "/c", bytes: Array(text.utf8))
    #expect(plain.profile("ci")?.authType == "databricks-cli")
    let inActions = try ConfigFile(path: "/c", bytes: Array(text.utf8), environment: Self.gitHubActions)
    #expect(inActions.profile("ci")?.authType == "github-oidc")
  }

  @Test func theTokenFilePathIsReadFromTheOlderVariableWhenTheCurrentOneIsUnset() throws {
    func profile(_ environment: [String: String]) throws -> Profile {
      try ProfileResolver(environment: ["DATABRICKS_HOST": "https://h.example"].merging(environment) { $1 })
        .resolve(nil, in: nil, path: "/c")
    }
    let older = try profile(["DATABRICKS_OIDC_TOKEN_FILE": "/old"])
    #expect(older.oidcTokenFilePath == "/old")
    #expect(older.authType == "file-oidc")
    let both = try profile(["DATABRICKS_OIDC_TOKEN_FILE": "/old", "DATABRICKS_OIDC_TOKEN_FILEPATH": "/new"])
    #expect(both.oidcTokenFilePath == "/new")
    #expect(try profile(["DATABRICKS_OIDC_TOKEN_FILE": ""]).authType == "databricks-cli")
  }
}
