import Databricks
import Testing

@Suite struct ProfileResolverTests {
  static let path = "/home/u/.databrickscfg"

  func config(_ text: String) throws -> ConfigFile {
    try ConfigFile(path: Self.path, bytes: Array(text.utf8))
  }

  func resolve(
    _ requested: String?,
    _ text: String?,
    environment: [String: String] = [:]
  ) throws(ConfigError) -> Profile {
    let config = try? text.map(config)
    return try ProfileResolver(environment: environment).resolve(requested, in: config, path: Self.path)
  }

  let sample = """
    [DEFAULT]
    host = https://default.example
    token = t

    [dev]
    host = https://dev.example

    [nohost]
    token = t

    [__settings__]
    default_profile = dev
    """

  @Test func usesTheNamedProfile() throws {
    #expect(try resolve("DEFAULT", sample).name == "DEFAULT")
    #expect(try resolve("dev", sample).host?.url == "https://dev.example")
  }

  @Test func prefersTheEnvironmentProfileNameThenTheHostThenDefaultProfileThenDEFAULT() throws {
    #expect(try resolve(nil, sample, environment: ["DATABRICKS_CONFIG_PROFILE": "DEFAULT"]).name == "DEFAULT")
    let fromEnvironment = try resolve(
      nil,
      sample,
      environment: ["DATABRICKS_HOST": "env.example", "DATABRICKS_TOKEN": "x"]
    )
    #expect(fromEnvironment.source == .environment)
    #expect(fromEnvironment.name == nil)
    #expect(fromEnvironment.host?.url == "https://env.example")
    #expect(fromEnvironment.credentialKind == .pat)
    #expect(try resolve(nil, sample).name == "dev")
    #expect(try resolve(nil, "[DEFAULT]\nhost = https://d\n").name == "DEFAULT")
  }

  @Test func anExplicitProfileBeatsEnvironmentHost() throws {
    #expect(try resolve("dev", sample, environment: ["DATABRICKS_HOST": "https://env.example"]).name == "dev")
  }

  @Test func reportsMissingProfilesWithTheAvailableNames() {
    #expect(
      throws: ConfigError.profileNotFound(name: "typo", path: Self.path, available: ["DEFAULT", "dev", "nohost"])
    ) {
      try resolve("typo", sample)
    }
    #expect(throws: ConfigError.profileNotFound(name: "gone", path: Self.path, available: ["a"])) {
      try resolve(nil, "[a]\nhost = h\n[__settings__]\ndefault_profile = gone\n")
    }
    #expect(throws: ConfigError.noDefaultProfile(path: Self.path, available: ["abc"])) {
      try resolve(nil, "; comment\n[DEFAULT]\n\n[abc]\nhost  = https://foo\n")
    }
    #expect(throws: ConfigError.noDefaultProfile(path: Self.path, available: [])) { try resolve(nil, nil) }
    #expect(throws: ConfigError.profileNotFound(name: "DEFAULT", path: Self.path, available: [])) {
      try resolve("DEFAULT", nil)
    }
  }

  @Test func refusesTheSettingsSection() {
    #expect(throws: ConfigError.reservedName(path: Self.path)) { try resolve("__settings__", sample) }
    #expect(throws: ConfigError.reservedName(path: Self.path)) {
      try resolve(nil, "[a]\nhost = h\n[__settings__]\ndefault_profile = __settings__\n")
    }
  }

  @Test func requiresAUsableHost() throws {
    #expect(throws: ConfigError.missingHost(profile: "nohost", path: Self.path, line: 8)) {
      try resolve("nohost", sample)
    }
    // The line is the effective `host`: the last one of a section that appears twice.
    let twice = "[x]\nhost = https://first.example\n[y]\nhost = https://y.example\n[x]\nhost = http://example.com\n"
    #expect(throws: ConfigError.insecureHost(profile: "x", host: "http://example.com", path: Self.path, line: 6)) {
      try resolve("x", twice)
    }
    #expect(throws: ConfigError.insecureHost(profile: nil, host: "http://example.com", path: nil, line: nil)) {
      try resolve(nil, sample, environment: ["DATABRICKS_HOST": "http://example.com", "DATABRICKS_TOKEN": "t"])
    }
    #expect(try resolve("x", "[x]\nhost = http://127.0.0.1:9/\n").host?.url == "http://127.0.0.1:9")
  }

  @Test func defaultProfileNameFollowsTheSameOrder() throws {
    let resolver = ProfileResolver(environment: [:])
    #expect(resolver.defaultProfileName(in: try config(sample)) == "dev")
    #expect(resolver.defaultProfileName(in: try config("[DEFAULT]\nhost = h\n")) == "DEFAULT")
    #expect(resolver.defaultProfileName(in: try config("[DEFAULT]\n[a]\nhost = h\n")) == nil)
    #expect(
      resolver.defaultProfileName(in: try config("[__settings__]\ndefault_profile =  \n[DEFAULT]\nhost = h\n"))
        == "DEFAULT"
    )
    #expect(resolver.defaultProfileName(in: nil) == nil)
    let named = ProfileResolver(environment: ["DATABRICKS_CONFIG_PROFILE": "x"])
    #expect(named.defaultProfileName(in: try config(sample)) == "x")
    let host = ProfileResolver(environment: ["DATABRICKS_HOST": "h"])
    #expect(host.defaultProfileName(in: try config(sample)) == nil)
  }

  @Test func listsProfileSectionsWithoutSettingsOrAnEmptyDefault() throws {
    #expect(try config(sample).profileNames == ["DEFAULT", "dev", "nohost"])
    #expect(try config("[DEFAULT]\n[a]\nhost = h\n[__settings__]\nx = y\n").profileNames == ["a"])
  }
}
