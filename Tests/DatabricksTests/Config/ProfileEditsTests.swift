import Databricks
import Testing

@Suite struct ProfileEditsTests {
  func edited(_ text: String, _ change: (inout INIDocument) throws -> Void) throws -> String {
    var document = try INIDocument(parsing: Array(text.utf8))
    try change(&document)
    return String(decoding: document.bytes, as: UTF8.self)
  }

  @Test func anOAuthLoginWritesHostAndAuthTypeAndClearsOtherCredentials() throws {
    let text =
      "; mine\n[dev]\nhost = https://old\ntoken = dapiOLD\ncluster_id = 123\ncustom = kept\n\n[other]\ntoken = t\n"
    let result = try edited(text) {
      try ProfileEdits.saveOAuthLogin(&$0, profile: "dev", host: "https://new", accountId: nil, scopes: [])
    }
    #expect(
      result
        == "; mine\n[dev]\nhost = https://new\ncluster_id = 123\ncustom = kept\nauth_type = databricks-cli\n\n[other]\ntoken = t\n"
    )
  }

  @Test func anAccountLoginWritesTheAccountIdAndCustomScopes() throws {
    let result = try edited("") {
      try ProfileEdits.saveOAuthLogin(
        &$0,
        profile: "acc",
        host: "https://accounts.cloud.databricks.com",
        accountId: "a-1",
        scopes: ["jobs", "sql"]
      )
    }
    #expect(
      result == "[acc]\nhost = https://accounts.cloud.databricks.com\naccount_id = a-1\nauth_type = databricks-cli\n"
        + "scopes = jobs,sql\n\n[__settings__]\ndefault_profile = acc\n"
    )
  }

  @Test func theFirstProfileBecomesTheDefaultButNeverOverridesOne() throws {
    let first = try edited("[DEFAULT]\n") {
      try ProfileEdits.savePATLogin(&$0, profile: "p", host: "https://h", token: "dapiX")
    }
    #expect(first == "[DEFAULT]\n\n[p]\nhost = https://h\ntoken = dapiX\n\n[__settings__]\ndefault_profile = p\n")
    let second = try edited("[a]\nhost = https://a\n") {
      try ProfileEdits.savePATLogin(&$0, profile: "p", host: "https://h", token: "dapiX")
    }
    #expect(!second.contains("default_profile"))
  }

  @Test func aPATLoginClearsOAuthSettingsToo() throws {
    let result = try edited("[p]\nhost = https://h\nauth_type = databricks-cli\nscopes = sql\nclient_id = c\n") {
      try ProfileEdits.savePATLogin(&$0, profile: "p", host: "https://h", token: "dapiNEW")
    }
    #expect(result == "[p]\nhost = https://h\ntoken = dapiNEW\n")
  }
}
