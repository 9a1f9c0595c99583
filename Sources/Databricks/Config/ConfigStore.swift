/// The config file, parsed once and parsed again only when the file changes: the shared, cached view every request
/// reads.
///
/// Each read costs one `stat`; an unchanged stamp returns the cached parse (or the cached error, so a broken
/// file is not re-parsed on every request either). Writes go through ``ConfigEditor``, which bypasses the cache
/// and changes the stamp.
///
/// ```swift
/// let store = ConfigStore(path: ConfigLocation.path(environment: env))
/// let config = try await store.current()   // nil when the file does not exist
/// ```
package actor ConfigStore {
  package nonisolated let path: String
  /// The process environment: a profile's auth type may depend on it (``DefaultAuthOrder``).
  private let environment: [String: String]
  private var cache = StampedFileCache<ConfigFile?, ConfigError>()

  package init(path: String, environment: [String: String] = [:]) {
    self.path = path
    self.environment = environment
  }

  /// The config as it is on disk now, or `nil` when there is no file.
  package func current() throws(ConfigError) -> ConfigFile? {
    try snapshot().value
  }

  /// The current value and its version: the version changes exactly when the file was read again.
  package func snapshot() throws(ConfigError) -> (value: ConfigFile?, version: Int) {
    try cache.value(at: path, unreadable: ConfigError.unreadable) { bytes throws(ConfigError) in
      try bytes.map { bytes throws(ConfigError) in try ConfigFile(path: path, bytes: bytes, environment: environment) }
    }
  }

}
