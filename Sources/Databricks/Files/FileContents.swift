import Basics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads whole small files (the config, the token cache) with the stamp of exactly the bytes that were read.
///
/// The file is opened through ``RegularFile`` (never blocking, and only a regular file is read: a FIFO, a device or
/// a directory is refused at once) and at most ``sizeLimit`` bytes are read, so neither a planted FIFO nor a huge
/// file or an endless device can stall the service or exhaust its memory. A symlink at the path is followed: the
/// config may legitimately be a link into a dotfiles repository.
package enum FileContents {
  /// The largest file read, 16 MiB: far more than any real config or token cache, and a bound on the memory one
  /// read can take.
  package static let sizeLimit = 16 << 20

  /// The bytes of `path` and their stamp, or `nil` when the file does not exist.
  ///
  /// The stamp comes from `fstat` on the open descriptor, so a rename racing the read cannot pair new bytes with
  /// an old stamp (or the reverse) in a cache.
  /// - Throws: ``FileError`` for a file that is not regular ("not a regular file"), one over ``sizeLimit``
  ///   ("larger than 16 MiB", also when it grows past the limit while being read), or a failing system call.
  /// - Parameter limit: the largest file read, ``sizeLimit`` unless the caller expects a smaller one.
  package static func read(
    _ path: String,
    limit sizeLimit: Int = sizeLimit
  ) throws(FileError) -> (bytes: [UInt8], stamp: FileStamp)? {
    guard let (fd, info) = try RegularFile.open(path, flags: O_RDONLY) else { return nil }
    defer { close(fd) }
    let tooLarge = FileError(
      path: path,
      reason: sizeLimit >= 1 << 20 ? "larger than \(sizeLimit >> 20) MiB" : "larger than \(sizeLimit >> 10) KiB"
    )
    guard info.st_size <= sizeLimit else { throw tooLarge }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(info.st_size) + 1)
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { FileDescriptorIO.read(fd, into: $0) }
      if count < 0 { throw .errno(path, "cannot read") }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
      guard bytes.count <= sizeLimit else { throw tooLarge }
    }
    return (bytes, FileStamp(info))
  }
}
