import Basics
package import Databricks
package import Foundation
package import JSON
import JSONRPC

/// The state shared by every request of one process: the environment it was started with and the cached files.
package final class Services: Sendable {
  package let environment: [String: String]
  package let testMethods: Bool
  /// `--mcp-allow-secrets`: MCP tool results carry `createToken`'s `tokenValue` (by default it is withheld,
  /// because tool results flow into a model's context).
  package let mcpAllowSecrets: Bool
  package let resolver: ProfileResolver
  package let config: ConfigStore
  /// The OAuth tokens, in the OS keyring or the CLI's token cache file as the storage mode says.
  package let tokens: OAuthTokenStore
  /// `listProfiles`' answer for the current versions of the config and the token cache.
  let profileList = ResultMemo<(list: ListProfiles.ProfileList, encoded: EncodedResult)>()
  /// The one HTTP client (and connection pool) of the process.
  package let client: RESTClient
  /// Each profile's credential, resolved and refreshed once for all requests.
  package let credentials: CredentialManager
  /// Token lists being paged through with `cursor`.
  package let tokenPages: TokenPageSnapshots
  /// OAuth logins in progress.
  package let logins: LoginCoordinator
  /// The local token endpoint other Databricks tools use; it listens only once a profile is first served.
  package let metadataService: MetadataService
  /// The `watchCredentials` watches; nothing runs while there are none.
  package let watches: CredentialWatches
  /// How the user is shown an authorization URL: the browser, or (sandbox) a client that follows it.
  package let browser: Browser
  package let loginPorts: ClosedRange<UInt16>
  /// Per tool, arguments that replace the document's `x-brickauth-mcp-defaults` (which `tools/list` shows): empty
  /// outside tests, which shorten `login`'s 20 s wait this way.
  package let mcpDefaultOverrides: [String: [String: JSONValue]]

  /// The one clock of every time-based decision: token expiry, the lifetimes of token page snapshots and finished
  /// logins, and the retry budget of the HTTP client made here.
  package let now: @Sendable () -> Date

  /// How a login's authorization URL reaches a user.
  package enum Browser: Sendable {
    /// `BROWSER` as the CLI reads it: unset = the platform opener, `none` = nothing, else run it with the URL.
    case system
    /// Follow the URL with an HTTP client, as a consenting user would (the sandbox approves on its own), on this
    /// machine only (``LoopbackOnlyBrowser``).
    case followRedirects
  }

  /// - Parameters:
  ///   - client: the HTTP client; tests pass one with short timeouts and retry budgets.
  ///   - browser: `.followRedirects` for `--sandbox` and tests, so a login completes without a person.
  ///   - keyring: the OS keyring; by default the platform's, reached in `environment`.
  ///   - mcpDefaultOverrides: for tests, MCP argument defaults other than the document's.
  ///   - now: the clock.
  package init(
    environment: [String: String],
    testMethods: Bool = false,
    mcpAllowSecrets: Bool = false,
    client: RESTClient? = nil,
    keyring: (any Keyring)? = nil,
    browser: Browser = .system,
    loginPorts: ClosedRange<UInt16> = LoopbackListener.defaultPorts,
    mcpDefaultOverrides: [String: [String: JSONValue]] = [:],
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.environment = environment
    self.testMethods = testMethods
    self.mcpAllowSecrets = mcpAllowSecrets
    self.browser = browser
    self.loginPorts = loginPorts
    self.mcpDefaultOverrides = mcpDefaultOverrides
    self.now = now
    resolver = ProfileResolver(environment: environment)
    config = ConfigStore(path: ConfigLocation.path(environment: environment), environment: environment)
    let home = ConfigLocation.homeDirectory(environment: environment)
    tokens = OAuthTokenStore(
      file: TokenCacheStore(path: TokenCacheStore.defaultPath(home: home)),
      keyring: keyring ?? SystemKeyring.make(environment: environment),
      environment: environment,
      now: now
    )
    self.client = client ?? RESTClient(userAgent: "brickauth/\(BrickauthVersion.current)", now: now)
    credentials = CredentialManager(config: config, tokens: tokens, resolver: resolver, client: self.client, now: now)
    tokenPages = TokenPageSnapshots(now: now)
    logins = LoginCoordinator(now: now)
    metadataService = MetadataService(config: config, resolver: resolver, credentials: credentials, now: now)
    watches = CredentialWatches(
      config: config,
      tokens: tokens,
      events: credentials.events,
      describe: { RPCError($0).message },
      now: now
    )
  }
}

extension Services {
  /// A personal access token login into the config file.
  package var patLogin: PATLogin {
    PATLogin(client: client, configPath: config.path)
  }

  /// A service principal's login (its OAuth secret) into the config file.
  package var servicePrincipalLogin: ServicePrincipalLogin {
    ServicePrincipalLogin(client: client, configPath: config.path)
  }

  /// Minting personal access tokens into profiles: `rotateToken`, `createToken`'s `saveAsProfile`.
  package var tokenMinting: ProfileTokenMinting {
    ProfileTokenMinting(credentials: credentials, config: config, resolver: resolver, client: client)
  }

  /// Signing a profile out of the config file and the token store.
  package var logout: ProfileLogout {
    ProfileLogout(config: config, resolver: resolver, tokens: tokens)
  }

  /// A login that shows its URL as `browser` says (or only reports it when `openBrowser` is false). The URL always
  /// goes to stderr too: a user whose browser did not open can still copy it.
  package func oauthLogin(openBrowser: Bool) -> OAuthLogin {
    let browser = self.browser
    let environment = self.environment
    return OAuthLogin(
      client: client,
      configPath: config.path,
      tokens: tokens,
      environment: environment,
      ports: loginPorts
    ) { url in
      StderrLog.emit("brickauth: to sign in, open this URL in a browser: \(url)")
      guard openBrowser else { return }
      switch browser {
      case .followRedirects:
        Task { await LoopbackOnlyBrowser.open(url) }
      case .system:
        do {
          try BrowserOpener.open(url, environment: environment)
        } catch {
          StderrLog.warning("could not open a browser (\(error)); open the URL above yourself")
        }
      }
    }
  }
}
