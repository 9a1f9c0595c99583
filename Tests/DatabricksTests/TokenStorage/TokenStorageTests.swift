import Databricks
import Foundation
import TestSupport
import Testing

@Suite struct TokenStorageTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var override: TokenStorageMode?
    var env: String?
    var setting: String?
    var expected: Result<TokenStorage, TokenStorageError>
    var testDescription: String {
      "override=\(override?.rawValue ?? "-") env=\(env ?? "-") config=\(setting ?? "-")"
    }
  }

  static func ok(_ mode: TokenStorageMode, _ source: TokenStorageSource) -> Result<TokenStorage, TokenStorageError> {
    .success(TokenStorage(mode: mode, source: source))
  }

  static let environment = "DATABRICKS_AUTH_STORAGE"

  static let cases: [Case] = [
    // Default.
    Case(expected: ok(.secure, .default)),
    Case(env: "", setting: "", expected: ok(.secure, .default)),
    // Override beats everything, even invalid values below it.
    Case(override: .plaintext, env: "secure", setting: "secure", expected: ok(.plaintext, .override)),
    Case(override: .secure, env: "bogus", setting: "bogus", expected: ok(.secure, .override)),
    // Environment beats the config file.
    Case(env: "plaintext", setting: "secure", expected: ok(.plaintext, .env)),
    Case(env: "secure", setting: "bogus", expected: ok(.secure, .env)),
    Case(env: "  SECURE  ", expected: ok(.secure, .env)),
    Case(env: "PlainText\n", expected: ok(.plaintext, .env)),
    // Config file.
    Case(setting: "plaintext", expected: ok(.plaintext, .config)),
    Case(setting: "Secure", expected: ok(.secure, .config)),
    // The first source that is set decides, even with a bad value: no fall-through.
    Case(env: "bogus", setting: "plaintext", expected: .failure(.unknownMode(source: environment, value: "bogus"))),
    Case(env: "   ", expected: .failure(.unknownMode(source: environment, value: "   "))),
    Case(env: "legacy", expected: .failure(.unknownMode(source: environment, value: "legacy"))),
    Case(setting: "keychain", expected: .failure(.unknownMode(source: "auth_storage", value: "keychain"))),
  ]

  @Test(arguments: cases)
  func resolvesAsTheCLIDoes(_ testCase: Case) {
    var environment = ["HOME": "/h", "DATABRICKS_CONFIG_FILE": "/h/cfg"]
    environment["DATABRICKS_AUTH_STORAGE"] = testCase.env
    var settings = ["default_profile": "dev"]
    settings["auth_storage"] = testCase.setting
    let result = Result { () throws(TokenStorageError) in
      try TokenStorageMode.resolve(override: testCase.override, environment: environment, settings: settings)
    }
    #expect(result == testCase.expected)
  }

  @Test func resolvesFromARealConfigFile() throws {
    let config = try ConfigFile(
      path: "/h/.databrickscfg",
      bytes: Array("[__settings__]\nauth_storage = plaintext\n\n[dev]\nhost = https://dev.example\n".utf8)
    )
    let storage = try TokenStorageMode.resolve(environment: [:], settings: config.settings)
    #expect(storage == TokenStorage(mode: .plaintext, source: .config))
  }

  @Test func reportsTheCLIsMessages() {
    #expect(
      TokenStorageError.unknownMode(source: "DATABRICKS_AUTH_STORAGE", value: "bogus").message
        == #"DATABRICKS_AUTH_STORAGE: unknown storage mode "bogus" (want plaintext or secure)"#
    )
    #expect(
      TokenStorageError.unknownMode(source: "auth_storage", value: "a \"b\"\\\t\u{7F}\u{A0}é").message
        == #"auth_storage: unknown storage mode "a \"b\"\\\t\x7f\u00a0é" (want plaintext or secure)"#
    )
    #expect(
      TokenStorageError.secureStorageUnreachable(reason: "no D-Bus session").message
        == "secure storage was requested but the OS keyring is not reachable: no D-Bus session"
    )
    #expect(
      TokenStorageError.keyringUnreachable(reason: "no D-Bus session").message
        == "OS keyring unreachable: no D-Bus session (set DATABRICKS_AUTH_STORAGE=plaintext or run "
        + "`databricks auth login` to use file-based token storage)"
    )
  }

  @Test func sourcesAndModesHaveTheirWireNames() {
    #expect(TokenStorageSource.default.rawValue == "default")
    #expect(TokenStorageSource.env.rawValue == "env")
    #expect(!TokenStorageSource.default.isExplicit)
    #expect(TokenStorageSource.config.isExplicit && TokenStorageSource.env.isExplicit)
    #expect(TokenStorageSource.override.isExplicit)
    #expect(TokenStorageMode(parsing: " Plaintext ") == .plaintext)
    #expect(TokenStorageMode(parsing: "") == nil)
  }

  @Test func reportsTheLocation() {
    let path = "/h/.databricks/token-cache.json"
    #expect(TokenStorage(mode: .plaintext, source: .env).location(tokenCachePath: path) == path)
    #expect(
      TokenStorage(mode: .secure, source: .default).location(tokenCachePath: path)
        == "OS keyring (service: databricks-cli)"
    )
  }

  static let unreachable = KeyringAvailability.unreachable(reason: "no D-Bus session")

  @Test func readingFallsBackToTheFileOnlyForDefaultSecure() {
    let defaultSecure = TokenStorage(mode: .secure, source: .default)
    #expect(defaultSecure.planForReading(keyring: .reachable) == .keyring(pinSecure: false))
    #expect(defaultSecure.planForReading(keyring: .timedOut) == .keyring(pinSecure: false))
    #expect(defaultSecure.planForReading(keyring: Self.unreachable) == .file(persistPlaintext: false))
    for source in [TokenStorageSource.override, .env, .config] {
      let explicit = TokenStorage(mode: .secure, source: source)
      #expect(explicit.planForReading(keyring: Self.unreachable) == .keyring(pinSecure: false))
      let plaintext = TokenStorage(mode: .plaintext, source: source)
      #expect(plaintext.planForReading(keyring: .reachable) == .file(persistPlaintext: false))
    }
  }

  @Test func loginFallsBackAndPersistsForDefaultSecureAndFailsForExplicitSecure() throws {
    let defaultSecure = TokenStorage(mode: .secure, source: .default)
    #expect(try defaultSecure.planForLogin(keyring: .reachable) == .keyring(pinSecure: true))
    #expect(try defaultSecure.planForLogin(keyring: .timedOut) == .keyring(pinSecure: true))
    #expect(try defaultSecure.planForLogin(keyring: Self.unreachable) == .file(persistPlaintext: true))
    for source in [TokenStorageSource.override, .env, .config] {
      let explicit = TokenStorage(mode: .secure, source: source)
      #expect(try explicit.planForLogin(keyring: .reachable) == .keyring(pinSecure: false))
      #expect(try explicit.planForLogin(keyring: .timedOut) == .keyring(pinSecure: false))
      #expect(throws: TokenStorageError.secureStorageUnreachable(reason: "no D-Bus session")) {
        try explicit.planForLogin(keyring: Self.unreachable)
      }
      let plaintext = TokenStorage(mode: .plaintext, source: source)
      #expect(try plaintext.planForLogin(keyring: Self.unreachable) == .file(persistPlaintext: false))
    }
  }

  @Test func persistsTheModeIntoSettingsAndNothingElse() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent(".databrickscfg").path
      let old = "; mine\n[dev]\nhost = https://dev.example\n"
      try Data(old.utf8).write(to: URL(fileURLWithPath: path))
      try await TokenStorageMode.plaintext.persist(inConfig: path)
      let written = try String(contentsOfFile: path, encoding: .utf8)
      #expect(written.hasPrefix(old))
      let config = try ConfigFile(path: path, bytes: Array(written.utf8))
      #expect(config.settings == ["auth_storage": "plaintext"])
      #expect(try TokenStorageMode.resolve(environment: [:], settings: config.settings).mode == .plaintext)
      try await TokenStorageMode.secure.persist(inConfig: path)
      let again = try ConfigFile(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
      #expect(again.settings == ["auth_storage": "secure"])
      #expect(again.profileNames == ["dev"])
    }
  }
}
