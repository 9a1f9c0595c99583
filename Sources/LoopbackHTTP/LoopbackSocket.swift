import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The BSD socket calls of ``LoopbackHTTPServer``, with `EINTR` retries and without `SIGPIPE`.
///
/// Every descriptor is close-on-exec, so a process spawned while the server runs (a browser, the executable under
/// test) cannot inherit one and keep a port bound or a connection open after the server closed it.
enum LoopbackSocket {
  /// A failed call and its `errno`.
  struct Failure: Error {
    var call: String
    var code: Int32
    var reason: String { String(cString: strerror(code)) }
  }

  /// The loopback addresses the server binds.
  enum Family {
    /// 127.0.0.1, always.
    case ipv4
    /// ::1, when the machine has IPv6: browsers try `localhost` on ::1 first.
    case ipv6
  }

  /// A listening, non-blocking socket on the loopback address of `family` (port 0: one the kernel picks), or the
  /// `errno` of the call that failed.
  static func listen(_ family: Family, port: UInt16) -> Result<Int32, Failure> {
    let domain = family == .ipv4 ? AF_INET : AF_INET6
    #if canImport(Glibc)
      let fd = socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    #else
      let fd = socket(domain, SOCK_STREAM, 0)
      if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    #endif
    guard fd >= 0 else { return .failure(Failure(call: "socket", code: errno)) }
    // Rebinding right after a previous server must not fail on its TIME_WAIT connections (as Go's net.Listen).
    setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
    let bound: Int32
    switch family {
    case .ipv4:
      var address = sockaddr_in()
      #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
      #endif
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
      bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    case .ipv6:
      setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1)
      var address = sockaddr_in6()
      #if canImport(Darwin)
        address.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
      #endif
      address.sin6_family = sa_family_t(AF_INET6)
      address.sin6_port = port.bigEndian
      withUnsafeMutableBytes(of: &address.sin6_addr) { $0[15] = 1 }
      bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
      }
    }
    guard bound == 0 else { return .failure(failAndClose(fd, "bind")) }
    #if canImport(Glibc)
      let listening = Glibc.listen(fd, 128)
    #else
      let listening = Darwin.listen(fd, 128)
    #endif
    guard listening == 0 else { return .failure(failAndClose(fd, "listen")) }
    // Non-blocking, so an `accept` after `poll` cannot hang when the client gave up in between.
    guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
      return .failure(failAndClose(fd, "fcntl"))
    }
    return .success(fd)
  }

  /// The port a listening socket is bound to.
  static func boundPort(_ fd: Int32) -> Result<UInt16, Failure> {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return .failure(Failure(call: "getsockname", code: errno)) }
    return .success(UInt16(bigEndian: address.sin_port))
  }

  /// Takes one waiting connection from a non-blocking listener; `nil` (with `errno` set) when there is none or it
  /// failed. The connection itself blocks: it is served by a thread of its own.
  static func accept(_ listener: Int32) -> Int32? {
    while true {
      #if canImport(Glibc)
        let fd = Glibc.accept(listener, nil, nil)
      #else
        let fd = Darwin.accept(listener, nil, nil)
      #endif
      if fd < 0 {
        if errno == EINTR { continue }
        return nil
      }
      // Glibc's module map hides `accept4`, so close-on-exec is set in a second call.
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      // BSD sockets inherit the listener's O_NONBLOCK; Linux ones do not.
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
      #if canImport(Darwin)
        setOption(fd, SOL_SOCKET, SO_NOSIGPIPE, 1)
      #endif
      return fd
    }
  }

  /// Reads what is available, waiting for it unless `blocking` is false: the byte count, 0 at end of stream, -1 on
  /// an error (or, without blocking, when nothing is there).
  static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, blocking: Bool = true) -> Int {
    guard let base = buffer.baseAddress else { return -1 }
    while true {
      let count = recv(fd, base, buffer.count, blocking ? 0 : Int32(MSG_DONTWAIT))
      if count < 0 && errno == EINTR { continue }
      return count
    }
  }

  /// Whether the peer has closed its end: a read would return end-of-file. Peeks without consuming bytes, and
  /// without blocking, so pipelined requests already waiting are left where they are.
  static func peerHasClosed(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
  }

  /// Whether bytes are waiting to be read. Peeks without consuming them, and without blocking.
  static func hasBytesWaiting(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
  }

  /// Waits until `fd` can be read (bytes, end of stream or an error) or `deadline` (if any) passes; `false` on the
  /// deadline.
  static func waitUntilReadable(_ fd: Int32, deadline: Date?) -> Bool {
    var ready = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
    while true {
      var milliseconds: Int32 = -1
      if let remaining = deadline?.timeIntervalSinceNow {
        guard remaining > 0 else { return false }
        milliseconds = Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up))
      }
      #if canImport(Glibc)
        let count = Glibc.poll(&ready, 1, milliseconds)
      #else
        let count = Darwin.poll(&ready, 1, milliseconds)
      #endif
      if count > 0 { return true }
      if count < 0 && errno != EINTR { return true }  // let the read report the error
    }
  }

  /// Writes every byte; `false` when the peer is gone. Never raises `SIGPIPE`, which would kill the process.
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

  /// Ends our direction after a last response, then discards what the client sent beyond what was read: closing
  /// with unread bytes makes the kernel send a reset that can destroy the response before the client read it.
  static func finishSending(_ fd: Int32) {
    #if canImport(Glibc)
      _ = shutdown(fd, Int32(SHUT_WR))
    #else
      _ = shutdown(fd, SHUT_WR)
    #endif
    var scratch = [UInt8](repeating: 0, count: 4096)
    for _ in 0..<16 {
      let count = scratch.withUnsafeMutableBytes { receive(fd, into: $0, blocking: false) }
      if count <= 0 { break }
    }
  }

  /// Ends both directions so a thread blocked in `recv` or `send` on `fd` wakes up; the descriptor stays open.
  static func shutdownBoth(_ fd: Int32) {
    #if canImport(Glibc)
      _ = shutdown(fd, Int32(SHUT_RDWR))
    #else
      _ = shutdown(fd, SHUT_RDWR)
    #endif
  }

  /// A pipe whose read end wakes a `poll`; the write end is non-blocking, so signalling it any number of times
  /// never blocks the caller.
  static func makeWakePipe() -> Result<(read: Int32, write: Int32), Failure> {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return .failure(Failure(call: "pipe", code: errno)) }
    fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
    _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
    return .success((fds[0], fds[1]))
  }

  /// Waits until one of `fds` is ready; retries on `EINTR`.
  static func poll(_ fds: inout [pollfd]) -> Result<Void, Failure> {
    while true {
      #if canImport(Glibc)
        let ready = Glibc.poll(&fds, nfds_t(fds.count), -1)
      #else
        let ready = Darwin.poll(&fds, nfds_t(fds.count), -1)
      #endif
      if ready >= 0 { return .success(()) }
      if errno != EINTR { return .failure(Failure(call: "poll", code: errno)) }
    }
  }

  static func closeDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
      _ = Glibc.close(fd)
    #else
      _ = Darwin.close(fd)
    #endif
  }

  private static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
    var value = value
    _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
  }

  private static func failAndClose(_ fd: Int32, _ call: String) -> Failure {
    let failure = Failure(call: call, code: errno)
    closeDescriptor(fd)
    return failure
  }
}
