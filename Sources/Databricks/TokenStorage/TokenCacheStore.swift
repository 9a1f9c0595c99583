/// The token cache file: reads parsed again only when the file changes on disk (same scheme as ``ConfigStore``),
/// and locked read-modify-write updates.
///
/// ## The lock is ours
/// The CLI serialises writes with an in-process mutex only; it takes no lock another process could see. Every
/// brickauth change happens under `flock` on `<cache>.lock` (a sibling file the CLI ignores), on a copy of the file
/// read fresh under that lock. What this buys: brickauth processes, and concurrent requests within one, never lose
/// each other's entries, and a refresh can re-read the cache under the lock before spending a refresh token, so a
/// rotated (single-use) refresh token is never sent twice by two of them. What it cannot buy: a CLI process writing
/// at the same moment may still replace the file with a copy that lacks our change (last `rename` wins, as between
/// two CLI processes). Both sides rename a complete file into place, so no reader ever sees a torn file.
///
/// ## What is at the path
/// Every read, cached or fresh under the lock, goes through ``FileContents``: a FIFO, a device, a directory or a file
/// over 16 MiB at the cache's path is refused at once (``TokenCacheError/unreadable(_:)``), never waited on or read
/// whole. The cache itself may be a symlink and is written through it, as the config is; the lock file never is
/// followed (see ``FileLock``).
package actor TokenCacheStore {
  package nonisolated let path: String
  private var cache = StampedFileCache<TokenCacheFile, TokenCacheError>()

  package init(path: String) {
    self.path = path
  }

  /// The lock file guarding read-modify-write of ``path``.
  package nonisolated var lockPath: String { "\(path).lock" }

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
    try cache.value(at: path, unreadable: TokenCacheError.unreadable) { bytes throws(TokenCacheError) in
      try bytes.map { bytes throws(TokenCacheError) in try TokenCacheFile(bytes: bytes) } ?? TokenCacheFile()
    }
  }

  // MARK: Writing

  /// Changes the cache: under the lock, reads the file fresh (an empty cache if there is none), applies `change`
  /// and writes the result atomically with mode 0600, creating the directory with 0700 if needed.
  ///
  /// ```swift
  /// try await store.update { file in
  ///   file.set(entry, forKeys: TokenCacheFile.keys(for: profile))
  /// }
  /// ```
  /// Nothing is written when `change` leaves the cache as it was.
  /// - Throws: ``TokenCacheUpdateError`` (the file is untouched), or whatever `change` throws (nothing is written).
  @discardableResult
  package func update<T>(
    lockTimeoutSeconds: Double = 10,
    isolation: isolated (any Actor)? = #isolation,
    _ change: (inout TokenCacheFile) throws -> T
  ) async throws -> T {
    try await withLock(lockTimeoutSeconds: lockTimeoutSeconds, isolation: isolation) { file in
      var changed = file
      let result = try change(&changed)
      return (changed, result)
    }
  }

  /// Runs `body` on the cache as it is on disk while holding the lock, and writes what `body` returns, if anything.
  ///
  /// For the refresh protocol: take the lock, look at the entry as it is now (another process may have refreshed it
  /// a moment ago, rotating the refresh token), refresh over the network only if it is still needed, and store the
  /// new token before anyone else can read the old one. `body` returns the file to write (`nil` to write nothing)
  /// and its result.
  ///
  /// ```swift
  /// let token = try await store.withLock { file in
  ///   if let entry = file.entry(key), isFresh(entry) { return (nil, entry) }
  ///   let refreshed = try await refresh(file.entry(key))
  ///   var updated = file
  ///   updated.set(refreshed, forKeys: keys)
  ///   return (updated, refreshed)
  /// }
  /// ```
  /// The lock is held for as long as `body` runs, so other updates wait (up to their own `lockTimeoutSeconds`,
  /// then fail with ``TokenCacheUpdateError/busy(path:)``): keep network calls inside it bounded.
  ///
  /// `body` (like `update`'s `change`) runs in the caller's isolation, so an actor can pass a closure that uses its
  /// own state and methods.
  /// - Throws: ``TokenCacheUpdateError`` (the file is untouched), or whatever `body` throws (nothing is written).
  package func withLock<T>(
    lockTimeoutSeconds: Double = 10,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TokenCacheFile) async throws -> (write: TokenCacheFile?, result: T)
  ) async throws -> T {
    try await holdingLock(lockTimeoutSeconds: lockTimeoutSeconds, isolation: isolation) {
      let current = try readFresh()
      await remember(current)
      let (write, result) = try await body(current.file)
      if let write, write != current.file {
        let bytes = write.bytes
        do throws(FileError) {
          try AtomicFileWriter.write(bytes, to: path, followingSymlink: true)
        } catch {
          throw TokenCacheUpdateError.writeFailed(error)
        }
        // The stamp must be that of the bytes on disk: read them back (a CLI process takes no lock and may have
        // replaced the file already), and parse only if they are not ours.
        if let stored = try? FileContents.read(path),
          let file = stored.bytes == bytes ? write : try? TokenCacheFile(bytes: stored.bytes)
        {
          await remember((file, stored.stamp))
        }
      }
      return result
    }
  }

  /// Runs `body` holding the cache's cross-process lock (``lockPath``, its directory created 0700 if needed),
  /// without reading or writing the cache: for changes to tokens kept elsewhere (the OS keyring), so brickauth
  /// processes never interleave a refresh of the same token, whichever store holds it.
  /// - Throws: ``TokenCacheUpdateError`` when the lock cannot be had, or whatever `body` throws.
  package func holdingLock<T>(
    lockTimeoutSeconds: Double = 10,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
  ) async throws -> T {
    do throws(FileError) {
      try PrivateDirectory.ensure(AtomicFileWriter.directory(of: path))
    } catch {
      throw TokenCacheUpdateError.writeFailed(error)
    }
    do {
      return try await FileLock.withLock(lockPath, timeoutSeconds: lockTimeoutSeconds, isolation: isolation, body)
    } catch let error as FileLockError {
      switch error {
      case .timedOut: throw TokenCacheUpdateError.busy(path: path)
      case .unavailable(let reason): throw TokenCacheUpdateError.lockFailed(reason)
      }
    }
  }

  /// The file as it is on disk now, bypassing the stat cache, with the stamp of exactly those bytes.
  private nonisolated func readFresh() throws(TokenCacheUpdateError) -> (file: TokenCacheFile, stamp: FileStamp?) {
    do throws(TokenCacheError) {
      let contents: (bytes: [UInt8], stamp: FileStamp)?
      do {
        contents = try FileContents.read(path)
      } catch {
        throw .unreadable(error)
      }
      guard let contents else { return (TokenCacheFile(), nil) }
      return (try TokenCacheFile(bytes: contents.bytes), contents.stamp)
    } catch {
      throw .unusable(path: path, reason: error)
    }
  }

  /// Makes what is on disk now the cached value, so readers see a write at once without parsing the file again.
  private func remember(_ current: (file: TokenCacheFile, stamp: FileStamp?)) {
    cache.remember(current.file, stamp: current.stamp)
  }

}
