import Databricks
import Foundation
import TestSupport
import Testing

/// ``ProfileLogout`` against a config and a token cache file in a scratch directory: the tokens it removes, the
/// host key it keeps for a profile that still needs it, and the section it deletes only when asked.
@Suite struct ProfileLogoutTests {
  let directory: URL
  let config: ConfigStore
  let tokens: OAuthTokenStore
  let logout: ProfileLogout
  let inFile = TokenStoragePlan.file(persistPlaintext: false)

  init() throws {
    directory = try ScratchDirectory.make(prefix: "logout")
    let path = directory.appendingPathComponent(".databrickscfg").path
    try """
    [__settings__]
    auth_storage = plaintext

    [dev]
    host = https://dev.example

    [twin]
    host = https://dev.example

    [pat]
    host = https://dev.example
    token = dapi-x
    """.write(toFile: path, atomically: true, encoding: .utf8)
    config = ConfigStore(path: path)
    tokens = OAuthTokenStore(
      file: TokenCacheStore(path: directory.appendingPathComponent("token-cache.json").path),
      keyring: MemoryKeyring(),
      environment: [:]
    )
    logout = ProfileLogout(config: config, resolver: ProfileResolver(environment: [:]), tokens: tokens)
  }

  func profile(_ name: String) async throws -> Profile {
    try #require(try await config.current()?.profile(name))
  }

  @Test func removesTheProfileKeyButKeepsAHostKeyAnotherProfileNeeds() async throws {
    let entry = TokenCacheFile.Entry(accessToken: "a", expiry: nil)
    try await tokens.save(entry, for: try await profile("dev"), plan: inFile)
    let outcome = try await logout.run(profile: "dev", deleteProfile: false)
    #expect(outcome == ProfileLogout.Outcome(profile: "dev", removedCredentials: true, deletedProfile: false))
    let cache = try await tokens.file.current()
    #expect(cache.entry("dev") == nil)
    #expect(cache.entry("https://dev.example") == entry, "twin still signs in with the host key")
    #expect(try await config.current()?.profile("dev") != nil)
  }

  @Test func aPATProfileHasNoTokensToRemoveAndItsSectionGoesWhenAsked() async throws {
    let outcome = try await logout.run(profile: "pat", deleteProfile: true)
    #expect(outcome == ProfileLogout.Outcome(profile: "pat", removedCredentials: false, deletedProfile: true))
    #expect(try await config.current()?.profile("pat") == nil)
  }

  @Test func anUnknownProfileIsAnError() async throws {
    await #expect(throws: ConfigError.self) { try await logout.run(profile: "nope", deleteProfile: false) }
  }
}
