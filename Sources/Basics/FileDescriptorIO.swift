#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Blocking whole-buffer reads and writes on raw file descriptors, retrying on `EINTR`.
package enum FileDescriptorIO {
  /// Writes every byte or fails; returns the `errno` of the failure (e.g. `EPIPE` when the reader is gone).
  @discardableResult
  package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    bytes.withUnsafeBytes { buffer -> Int32? in
      guard let base = buffer.baseAddress else { return nil }
      var offset = 0
      while offset < buffer.count {
        let written = write(fd, base + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return nil
    }
  }

  /// Reads up to `buffer.count` bytes; returns 0 at end of input and -1 on an error other than `EINTR`.
  package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    guard let base = buffer.baseAddress else { return -1 }
    while true {
      #if canImport(Glibc)
        let count = Glibc.read(fd, base, buffer.count)
      #else
        let count = Darwin.read(fd, base, buffer.count)
      #endif
      if count < 0 && errno == EINTR { continue }
      return count
    }
  }
}
