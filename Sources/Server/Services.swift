package import Databricks

/// The state shared by every request of one process: the environment it was started with and the cached files.
package final class Services: Sendable {
  package let environment: [String: String]
  package let testMethods: Bool
  package let resolver: ProfileResolver
  package let config: ConfigStore
  package let tokenCache: TokenCacheStore
  /// `listProfiles`' answer for the current versions of the config and the token cache.
  package let profileList = ResultMemo()

  package init(environment: [String: String], testMethods: Bool = false) {
    self.environment = environment
    self.testMethods = testMethods
    resolver = ProfileResolver(environment: environment)
    config = ConfigStore(path: ConfigLocation.path(environment: environment))
    let home = ConfigLocation.homeDirectory(environment: environment)
    tokenCache = TokenCacheStore(path: TokenCacheStore.defaultPath(home: home))
  }
}
