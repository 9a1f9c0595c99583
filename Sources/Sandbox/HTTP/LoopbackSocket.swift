#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few BSD socket calls the server makes, with `EINTR` retries and without `SIGPIPE`.
///
/// Every descriptor is close-on-exec: tests spawn the `brickauth` executable while a sandbox is running, and an
/// inherited connection would stay open in the child after the server closed it.
enum LoopbackSocket {
  struct Failure: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
  }

  /// A listening TCP socket on 127.0.0.1 with a port the kernel picked; returns the descriptor and the port.
  static func listenOnLoopback(backlog: Int32 = 128) throws -> (fd: Int32, port: UInt16) {
    #if canImport(Glibc)
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    #else
      let fd = socket(AF_INET, SOCK_STREAM, 0)
      if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    #endif
    guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
    var reuse: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    let bound = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { try failAndClose(fd, "bind") }
    guard listen(fd, backlog) == 0 else { try failAndClose(fd, "listen") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { try failAndClose(fd, "getsockname") }
    return (fd, UInt16(bigEndian: address.sin_port))
  }

  /// Accepts one connection; `nil` with `errno` set when none could be taken.
  static func accept(_ listener: Int32) -> Int32? {
    while true {
      #if canImport(Glibc)
        let fd = Glibc.accept(listener, nil, nil)
      #else
        let fd = Darwin.accept(listener, nil, nil)
        if fd >= 0 {
          var on: Int32 = 1
          _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        }
      #endif
      if fd >= 0 {
        // Glibc's module map hides `accept4`, so close-on-exec is set in a second call.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
      }
      if errno != EINTR { return nil }
    }
  }

  /// Reads what is available: the byte count, 0 at end of stream, -1 on an error.
  static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    guard let base = buffer.baseAddress else { return -1 }
    while true {
      let count = recv(fd, base, buffer.count, 0)
      if count < 0 && errno == EINTR { continue }
      return count
    }
  }

  /// Writes every byte; `false` when the peer is gone. Never raises `SIGPIPE`, which would kill the test process.
  /// Whether the peer has closed its end: a read would return end-of-file. Peeks without consuming bytes, and
  /// without blocking, so pipelined requests already waiting are left where they are.
  static func peerHasClosed(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
  }

  static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    #if canImport(Glibc)
      let flags = Int32(MSG_NOSIGNAL)
    #else
      let flags: Int32 = 0
    #endif
    return bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return true }
      var offset = 0
      while offset < buffer.count {
        let sent = send(fd, base + offset, buffer.count - offset, flags)
        if sent < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += sent
      }
      return true
    }
  }

  /// Ends both directions so a thread blocked in `recv` on `fd` wakes up; the descriptor stays open.
  static func shutdownBoth(_ fd: Int32) {
    #if canImport(Glibc)
      _ = shutdown(fd, Int32(SHUT_RDWR))
    #else
      _ = shutdown(fd, SHUT_RDWR)
    #endif
  }

  /// A pipe whose read end wakes the accept loop's `poll` when `stop()` writes to it.
  static func makeWakePipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    let made = pipe(&fds)
    if made == 0 { fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) } }
    guard made == 0 else { throw Failure(call: "pipe", code: errno) }
    return (fds[0], fds[1])
  }

  /// Blocks until `listener` has a connection to accept (`true`) or `wake` became readable (`false`).
  static func waitForConnection(_ listener: Int32, orWake wake: Int32) -> Bool {
    var fds = [
      pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      let ready = poll(&fds, nfds_t(fds.count), -1)
      if ready < 0 && errno == EINTR { continue }
      return ready > 0 && fds[1].revents == 0
    }
  }

  private static func failAndClose(_ fd: Int32, _ call: String) throws -> Never {
    let code = errno
    close(fd)
    throw Failure(call: call, code: code)
  }
}
