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
  /// The one HTTP client (and connection pool) of the process.
  package let client: RESTClient
  package let sessions: SessionManager
  /// Token lists being paged through with `cursor`.
  package let tokenListings = TokenListings()

  /// - Parameter client: the HTTP client; tests pass one with short timeouts and retry budgets.
  package init(environment: [String: String], testMethods: Bool = false, client: RESTClient? = nil) {
    self.environment = environment
    self.testMethods = testMethods
    resolver = ProfileResolver(environment: environment)
    config = ConfigStore(path: ConfigLocation.path(environment: environment))
    let home = ConfigLocation.homeDirectory(environment: environment)
    tokenCache = TokenCacheStore(path: TokenCacheStore.defaultPath(home: home))
    self.client = client ?? RESTClient(userAgent: "brickauth/\(BrickauthVersion.current)")
    sessions = SessionManager(config: config, tokenCache: tokenCache, resolver: resolver)
  }
}
