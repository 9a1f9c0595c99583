/// Changes the config file without disturbing anything a person or another tool put there: only the lines of the
/// section involved change (comments, blank lines, other profiles, unknown keys and key order stay), the old
/// file is copied to `<file>.bak` first, the new bytes replace it atomically with mode 0600, and the whole
/// read-modify-write holds `flock` on `<file>.lock` so concurrent writers never lose each other's edits.
///
/// ```swift
/// try await ConfigEditor.edit(path) { document throws(INIEditError) in
///   try document.set("host", to: "https://example.cloud.databricks.com", in: "dev")
/// }
/// ```
package enum ConfigEditor {
  /// Applies `change` to the current file (an empty one if it does not exist) and saves the result.
  ///
  /// The file is read fresh under the lock, not from a cache, so an edit made by another process a moment ago is
  /// the base of this one. A file that does not parse is refused, never overwritten.
  /// - Returns: the saved config.
  @discardableResult
  package static func edit(
    _ path: String,
    lockTimeoutSeconds: Double = 10,
    _ change: (inout INIDocument) throws(INIEditError) -> Void
  ) async throws -> ConfigFile {
    do {
      return try await FileLock.withLock("\(path).lock", timeoutSeconds: lockTimeoutSeconds) {
        try save(path, change)
      }
    } catch let error as FileLockError {
      switch error {
      case .timedOut: throw ConfigError.busy(path: path)
      case .unavailable(let reason): throw ConfigError.writeFailed(reason)
      }
    }
  }

  private static func save(
    _ path: String,
    _ change: (inout INIDocument) throws(INIEditError) -> Void
  ) throws(ConfigError) -> ConfigFile {
    let old: [UInt8]?
    do {
      old = try FileContents.read(path)?.bytes
    } catch {
      throw .unreadable(error)
    }
    var document = try ConfigFile(path: path, bytes: old ?? []).document
    do {
      try change(&document)
    } catch {
      throw .unrepresentable(error)
    }
    let new = document.bytes
    guard new != old else { return ConfigFile(path: path, document: document) }
    do {
      if let old { try AtomicFileWriter.write(old, to: "\(path).bak") }
      try AtomicFileWriter.write(new, to: path)
    } catch {
      throw .writeFailed(error)
    }
    return ConfigFile(path: path, document: document)
  }
}
