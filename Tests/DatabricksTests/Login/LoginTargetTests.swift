import Databricks
import Testing

@Suite struct LoginTargetTests {
  static let config = try! ConfigFile(
    path: "/home/me/.databrickscfg",
    bytes: Array(
      """
      [__settings__]
      default_profile = dev

      [dev]
      host = https://dev.example
      scopes = all-apis, sql,,

      [acc]
      host = https://accounts.cloud.databricks.test
      account_id = a1

      [nohost]
      cluster_id = c
      """.utf8
    )
  )
  static let resolver = ProfileResolver(environment: [:])

  static func resolve(
    profile: String? = nil,
    host: String? = nil,
    accountId: String? = nil,
    scopes: [String]? = nil,
    config: ConfigFile? = LoginTargetTests.config
  ) throws(LoginTarget.Problem) -> LoginTarget {
    try LoginTarget.resolve(
      profile: profile,
      host: host,
      accountId: accountId,
      scopes: scopes,
      config: config,
      resolver: resolver
    )
  }

  @Test func fillsWhatTheRequestLeavesOutFromTheProfile() throws {
    let target = try Self.resolve()
    #expect(target.profile == "dev")
    #expect(target.host.url == "https://dev.example")
    #expect(target.accountId == nil)
    #expect(target.scopes == ["all-apis", "sql"])
    let account = try Self.resolve(profile: "acc")
    #expect(account.accountId == "a1")
  }

  @Test func theRequestWinsOverTheProfile() throws {
    let target = try Self.resolve(profile: "dev", host: "https://new.example", scopes: ["sql", ""])
    #expect(target.host.url == "https://new.example")
    #expect(target.scopes == ["sql"])
  }

  @Test func aNewUserGetsTheDefaultSection() throws {
    let target = try Self.resolve(host: "https://dev.example?a=a9", config: nil)
    #expect(target.profile == "DEFAULT")
    #expect(target.accountId == "a9")
  }

  @Test func namesWhatIsMissingOrUnusable() {
    #expect(throws: LoginTarget.Problem.noHost(profile: "nohost")) { try Self.resolve(profile: "nohost") }
    #expect(throws: LoginTarget.Problem.noHost(profile: "DEFAULT")) { try Self.resolve(config: nil) }
    #expect(throws: LoginTarget.Problem.hostNotAllowed) { try Self.resolve(host: "http://dev.example") }
    #expect(throws: LoginTarget.Problem.accountIdRequired) {
      try Self.resolve(profile: "new", host: "https://accounts.cloud.databricks.test")
    }
  }
}
