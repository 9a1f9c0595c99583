/// Why ``TokenCacheStore/update(lockTimeoutSeconds:_:)`` or ``TokenCacheStore/withLock(lockTimeoutSeconds:_:)``
/// did not complete. In every case the file on disk is as it was before the call.
///
/// Cases carry paths and system reasons, never the file's contents: the file holds tokens.
package enum TokenCacheUpdateError: Error, Equatable, Sendable {
  /// The existing file cannot be used (not JSON, not version 1, unreadable). It is refused, never overwritten:
  /// replacing it would throw away whatever it holds, and the CLI refuses such a file too.
  case unusable(path: String, reason: TokenCacheError)
  /// Another process (or request) held the cache's lock for the whole wait.
  case busy(path: String)
  /// The lock file could not be opened or locked at all.
  case lockFailed(FileError)
  /// The directory or the new contents could not be written.
  case writeFailed(FileError)

  /// A sentence for logs and error messages.
  package var message: String {
    switch self {
    case .unusable(let path, .malformed):
      "the token cache \(path) is not a valid token cache file; it was left untouched"
    case .unusable(let path, .unsupportedVersion):
      "the token cache \(path) is not version 1; it was left untouched"
    case .unusable(let path, .unreadable(let failure)):
      "the token cache \(path) cannot be read: \(failure.reason)"
    case .busy(let path):
      "the token cache \(path) is locked by another process; try again"
    case .lockFailed(let failure):
      "cannot lock \(failure.path): \(failure.reason)"
    case .writeFailed(let failure):
      "cannot write \(failure.path): \(failure.reason)"
    }
  }
}
