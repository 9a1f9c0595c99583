/// A file operation that failed, with the path and the system's reason (never the file's contents).
package struct FileError: Error, Equatable, Sendable {
  package var path: String
  package var reason: String

  package init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  /// The error for the current `errno`.
  static func errno(_ path: String, _ action: String) -> FileError {
    FileError(path: path, reason: "\(action): \(String(cString: strerror(ErrnoAccess.value)))")
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `errno` under a name that does not clash with ``FileError/errno(_:_:)``.
enum ErrnoAccess {
  static var value: Int32 { errno }
}
