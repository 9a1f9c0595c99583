#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads whole small files (the config, the token cache) with the stamp of exactly the bytes that were read.
package enum FileContents {
  /// The bytes of `path` and their stamp, or `nil` when the file does not exist.
  ///
  /// The stamp comes from `fstat` on the open descriptor, so a rename racing the read cannot pair new bytes with
  /// an old stamp (or the reverse) in a cache.
  package static func read(_ path: String) throws(FileError) -> (bytes: [UInt8], stamp: FileStamp)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if ErrnoAccess.value == ENOENT { return nil }
      throw .errno(path, "cannot open")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .errno(path, "cannot stat") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileError(path: path, reason: "not a regular file") }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(info.st_size) + 1)
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { readSome(fd, $0) }
      if count < 0 {
        if ErrnoAccess.value == EINTR { continue }
        throw .errno(path, "cannot read")
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return (bytes, FileStamp(info))
  }
}

/// `read(2)` under another name: inside ``FileContents`` the name `read` means its own method.
private func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
  read(fd, buffer.baseAddress, buffer.count)
}
