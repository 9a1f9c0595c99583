import Foundation

#if canImport(FoundationNetworking)
  package import FoundationNetworking
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// Keeps FoundationNetworking from creating directories in the user's home.
///
/// On Linux the first session configuration of a process creates the shared cookie store's directory
/// (`~/.local/share/<program>`), and every `URLCache` made without a path, the shared one and the one of
/// `URLSessionConfiguration.ephemeral` included, creates `~/.cache/org.swift.foundation.URLCache/<program>`, even
/// with no disk capacity. brickauth keeps no cookies and caches nothing, so it makes those shared objects first
/// while the data and cache homes name a file (`/dev/null`), where no directory can be made: the cookie store
/// then stays in memory, and the shared cache has no directory.
package enum URLSessionStorage {
  /// A configuration with no cache, no cookies and no stored credentials. Not `.ephemeral`: on Linux that makes
  /// a `URLCache` of its own, which creates its directory in the home.
  package static func configuration() -> URLSessionConfiguration {
    let configuration = URLSessionConfiguration.default
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    configuration.urlCredentialStorage = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    return configuration
  }

  /// Call once, early, before other threads run (it changes the environment for a moment) and before any
  /// `URLSession` is made; later calls do nothing.
  package static func keepOutOfHome() {
    _ = prepared
  }

  private static let prepared: Void = {
    #if canImport(FoundationNetworking)
      let names = ["XDG_DATA_HOME", "XDG_CACHE_HOME"]
      let saved = names.map { name in getenv(name).map { String(cString: $0) } }
      for name in names { setenv(name, "/dev/null", 1) }
      URLCache.shared = URLCache(memoryCapacity: 0, diskCapacity: 0, diskPath: "/dev/null")
      _ = HTTPCookieStorage.shared
      for (name, value) in zip(names, saved) {
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
      }
    #endif
  }()
}
