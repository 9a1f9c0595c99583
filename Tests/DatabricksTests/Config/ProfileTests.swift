import Databricks
import Testing

@Suite struct ProfileTests {
  func profile(_ attributes: [String: String]) -> Profile {
    Profile(name: "p", source: .config(path: "/c", line: 1), attributes: attributes)
  }

  @Test(arguments: [
    (["host": "h", "token": "t"], "pat", Profile.CredentialKind.pat),
    (["host": "h"], "databricks-cli", .oauth),
    (["host": "h", "auth_type": "databricks-cli"], "databricks-cli", .oauth),
    (["host": "h", "auth_type": "external-browser"], "external-browser", .oauth),
    (["host": "h", "client_id": "c", "client_secret": "s"], "oauth-m2m", .m2m),
    (["host": "h", "username": "u", "password": "p"], "basic", .other),
    (["host": "h", "azure_client_secret": "s", "azure_client_id": "c"], "azure-client-secret", .other),
    (["host": "h", "google_service_account": "sa"], "google-id", .other),
    (["host": "h", "auth_type": "azure-cli"], "azure-cli", .other),
    (["host": "h", "token": ""], "databricks-cli", .oauth),
    (["token": "t"], "pat", .pat),
    (["cluster_id": "c"], "none", .none),
  ])
  func derivesTheAuthTypeInTheSDKsOrder(
    _ attributes: [String: String],
    _ authType: String,
    _ kind: Profile.CredentialKind
  ) {
    let profile = profile(attributes)
    #expect(profile.authType == authType)
    #expect(profile.credentialKind == kind)
  }

  @Test func readsLevelAndIdsFromHostAndKeys() {
    let account = profile(["host": "https://accounts.cloud.databricks.com", "account_id": "a1"])
    #expect(account.level == .account)
    #expect(account.accountId == "a1")
    let workspace = profile(["host": "https://w.example/?o=99"])
    #expect(workspace.level == .workspace)
    #expect(workspace.workspaceId == "99")
    let explicit = profile(["host": "https://w.example/?o=99", "workspace_id": "5"])
    #expect(explicit.workspaceId == "5")
  }
}
