import Databricks
import Testing

@Suite struct TokenPolicyTests {
  @Test func readsWorkspaceConfStrings() {
    let policy = TokenPolicy(workspaceConf: ["maxTokenLifetimeDays": "90", "enableTokensConfig": "false"])
    #expect(policy == TokenPolicy(maxLifetimeDays: 90, tokensEnabled: false))
    #expect(TokenPolicy(workspaceConf: ["enableTokensConfig": "FALSE"]).tokensEnabled == false)
    #expect(TokenPolicy(workspaceConf: ["enableTokensConfig": "true"]).tokensEnabled)
  }

  @Test func keysNeverSetMeanNoLimitAndTokensEnabled() {
    let unset = TokenPolicy(maxLifetimeDays: 0, tokensEnabled: true)
    #expect(TokenPolicy(workspaceConf: [:]) == unset)
    #expect(TokenPolicy(workspaceConf: ["maxTokenLifetimeDays": "", "enableTokensConfig": ""]) == unset)
    #expect(TokenPolicy(workspaceConf: ["maxTokenLifetimeDays": "soon"]).maxLifetimeDays == 0)
  }

  @Test func writesWorkspaceConfStrings() {
    #expect(TokenPolicy.workspaceConf(maxLifetimeDays: 30) == ["maxTokenLifetimeDays": "30"])
    #expect(TokenPolicy.workspaceConf(tokensEnabled: false) == ["enableTokensConfig": "false"])
    #expect(TokenPolicy.workspaceConf(tokensEnabled: true) == ["enableTokensConfig": "true"])
    #expect(TokenPolicy.keys == ["maxTokenLifetimeDays", "enableTokensConfig"])
  }
}
