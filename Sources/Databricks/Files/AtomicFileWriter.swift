#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replaces a file's contents so that every reader sees either the old bytes or the new ones, never a torn mix.
///
/// The bytes go to a temporary file in the same directory (so `rename` stays on one filesystem), created with
/// `O_EXCL | O_NOFOLLOW` under a random name (so it is always a new file of ours, never something planted),
/// flushed with `fsync`, and renamed over the target. `rename` replaces whatever is at the target, a planted link
/// included, without following it. Only a caller that asks for it (`followingSymlink`, for the config and the token
/// cache, which dotfile managers link) has a symlinked target resolved first, so the link stays a link and its target
/// gets the new bytes; a sibling such as `<config>.bak` never does.
package enum AtomicFileWriter {
  /// Writes `bytes` to `path` with `permissions` (0600 by default: these files hold credentials).
  package static func write(
    _ bytes: [UInt8],
    to path: String,
    permissions: Int = 0o600,
    followingSymlink: Bool = false
  ) throws(FileError) {
    let mode = mode_t(permissions)
    let target = followingSymlink ? resolvedTarget(path) : path
    let directory = Self.directory(of: target)
    let name = String(target.split(separator: "/").last ?? "file")
    let temporary = "\(directory)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard fd >= 0 else { throw .errno(target, "cannot create a temporary file") }
    var failure: FileError?
    if !writeAll(fd, bytes) {
      failure = .errno(target, "cannot write")
    } else if fchmod(fd, mode) != 0 {
      failure = .errno(target, "cannot set permissions")
    } else if fsync(fd) != 0 {
      failure = .errno(target, "cannot flush")
    }
    close(fd)
    if failure == nil, rename(temporary, target) != 0 { failure = .errno(target, "cannot replace") }
    if let failure {
      unlink(temporary)
      throw failure
    }
  }

  /// The directory part of `path` (`.` for a bare name).
  package static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Follows symlinks at `path` to the file they name; a missing file is its own target.
  static func resolvedTarget(_ path: String) -> String {
    var current = path
    for _ in 0..<32 {
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let length = readlink(current, &buffer, buffer.count - 1)
      guard length > 0 else { return current }
      let link = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      current = link.hasPrefix("/") ? link : "\(directory(of: current))/\(link)"
    }
    return current
  }

  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let count = bytes[offset...].withUnsafeBytes { writeSome(fd, $0) }
      if count < 0 {
        if ErrnoAccess.value == EINTR { continue }
        return false
      }
      offset += count
    }
    return true
  }
}

/// `write(2)` under another name: inside ``AtomicFileWriter`` the name `write` means its own method.
private func writeSome(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
  write(fd, buffer.baseAddress, buffer.count)
}
