/// The token cache file, parsed again only when it changes on disk (same scheme as ``ConfigStore``).
package actor TokenCacheStore {
  package nonisolated let path: String
  private var cached: (stamp: FileStamp?, result: Result<TokenCacheFile, TokenCacheError>)?
  /// Counts the reloads, so callers can cache what they derive from the file (see ``snapshot()``).
  private var version = 0

  package init(path: String) {
    self.path = path
  }

  /// `~/.databricks/token-cache.json` under `home`.
  package static func defaultPath(home: String) -> String {
    "\(home)/.databricks/token-cache.json"
  }

  /// The cache as it is on disk now; an empty cache when the file does not exist.
  package func current() throws(TokenCacheError) -> TokenCacheFile {
    try snapshot().value
  }

  /// The current value and its version: the version changes exactly when the file was read again.
  package func snapshot() throws(TokenCacheError) -> (value: TokenCacheFile, version: Int) {
    let stamp = FileStamp.of(path)
    if let cached, cached.stamp == stamp { return (try cached.result.get(), version) }
    var readStamp = stamp
    let result: Result<TokenCacheFile, TokenCacheError>
    do throws(TokenCacheError) {
      let contents: (bytes: [UInt8], stamp: FileStamp)?
      do {
        contents = try FileContents.read(path)
      } catch {
        throw .unreadable(error)
      }
      readStamp = contents?.stamp
      result = .success(
        try contents.map { contents throws(TokenCacheError) in try TokenCacheFile(bytes: contents.bytes) }
          ?? TokenCacheFile()
      )
    } catch {
      result = .failure(error)
    }
    cached = (readStamp, result)
    version += 1
    return (try result.get(), version)
  }
}
