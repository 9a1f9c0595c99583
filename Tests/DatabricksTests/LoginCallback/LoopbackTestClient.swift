import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Raw sockets for the listener tests: what a browser, a probe or a squatter on the port does, byte for byte.
///
/// Every blocking call runs on a thread of its own (``onThread(_:)``), never on the cooperative pool, and every read
/// has a receive timeout, so a broken listener fails a test instead of hanging it.
enum LoopbackTestClient {
  /// A run of 20 ports no other test of this process uses, from a random start below Linux's ephemeral range (so
  /// the kernel does not hand them to outgoing connections, and test runs of other checkouts rarely meet).
  static func randomPorts() async -> ClosedRange<UInt16> {
    await PortBlocks.shared.next()
  }

  private actor PortBlocks {
    static let shared = PortBlocks()
    private var start = UInt16.random(in: 20_000...30_000)

    func next() -> ClosedRange<UInt16> {
      defer { start = start >= 31_000 ? 20_000 : start + 20 }
      return start...(start + 19)
    }
  }

  /// A connected socket, or the `errno` of the failed `connect`.
  static func connect(port: UInt16, host: String = "127.0.0.1") -> Result<Int32, POSIXError> {
    let isIPv6 = host.contains(":")
    #if canImport(Glibc)
      let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let fd = socket(isIPv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return .failure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    #if canImport(Darwin)
      var on: Int32 = 1
      _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
    #endif
    let connected: Int32
    if isIPv6 {
      var address = sockaddr_in6()
      address.sin6_family = sa_family_t(AF_INET6)
      address.sin6_port = port.bigEndian
      _ = inet_pton(AF_INET6, host, &address.sin6_addr)
      connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          Self.systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
      }
    } else {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      _ = inet_pton(AF_INET, host, &address.sin_addr)
      connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          Self.systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    }
    guard connected == 0 else {
      let code = errno
      close(fd)
      return .failure(POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
    }
    return .success(fd)
  }

  /// Whether a connection to the port is refused (nothing listens there).
  static func isRefused(port: UInt16, host: String = "127.0.0.1") async -> Bool {
    await DedicatedThread.run {
      switch connect(port: port, host: host) {
      case .success(let fd):
        close(fd)
        return false
      case .failure(let error): return error.code == .ECONNREFUSED
      }
    }
  }

  /// Sends `request` on a new connection and reads the whole response (the listener closes after answering);
  /// `nil` when the connection failed.
  static func exchange(_ request: String, port: UInt16, host: String = "127.0.0.1") async -> String? {
    await exchange(Array(request.utf8), port: port, host: host)
  }

  static func exchange(_ request: [UInt8], port: UInt16, host: String = "127.0.0.1") async -> String? {
    await DedicatedThread.run {
      guard case .success(let fd) = connect(port: port, host: host) else { return nil }
      defer { close(fd) }
      guard sendAll(fd, request) else { return nil }
      return String(decoding: readToEnd(fd), as: UTF8.self)
    }
  }

  /// Sends every byte of `bytes`; `false` when the connection is gone. Never raises `SIGPIPE`, which would end the
  /// test run.
  @discardableResult
  static func sendAll(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
    #if canImport(Glibc)
      Array(bytes).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
    #else
      Array(bytes).withUnsafeBytes { Darwin.send(fd, $0.baseAddress, $0.count, 0) == $0.count }
    #endif
  }

  /// The redirect a browser follows: `GET <target>` with the headers a browser sends.
  static func browserRequest(_ target: String, port: UInt16) -> String {
    "GET \(target) HTTP/1.1\r\nHost: localhost:\(port)\r\nUser-Agent: Mozilla/5.0 (test)\r\n"
      + "Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
  }

  static func readToEnd(_ fd: Int32) -> [UInt8] {
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return response }
      response += buffer[..<count]
    }
  }

  /// A listening socket on a loopback address, as another program holding the port would have; `nil` when the
  /// address cannot be bound (no IPv6 here, or the port is taken).
  static func holdPort(_ port: UInt16, ipv6: Bool = false) -> Int32? {
    #if canImport(Glibc)
      let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return nil }
    let bound: Int32
    if ipv6 {
      var address = sockaddr_in6()
      address.sin6_family = sa_family_t(AF_INET6)
      address.sin6_port = port.bigEndian
      _ = inet_pton(AF_INET6, "::1", &address.sin6_addr)
      bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
      }
    } else {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
      bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
    }
    guard bound == 0, listen(fd, 4) == 0 else {
      close(fd)
      return nil
    }
    return fd
  }

  /// The machine's first IPv4 address that is not loopback, if it has one.
  static func nonLoopbackIPv4Address() -> String? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return nil }
    defer { freeifaddrs(list) }
    for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
      guard let address = entry.pointee.ifa_addr, Int32(address.pointee.sa_family) == AF_INET else { continue }
      let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
      guard UInt32(bigEndian: ipv4.s_addr) >> 24 != 127 else { continue }
      var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
      var copy = ipv4
      guard inet_ntop(AF_INET, &copy, &text, socklen_t(text.count)) != nil else { continue }
      return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return nil
  }

  /// `connect` with a 5 s bound: a listener that leaked its socket (backlog full, never accepting) must fail a
  /// test, not stall it for the kernel's two-minute SYN retries.
  private static func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    let flags = fcntl(fd, F_GETFL)
    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    defer { _ = fcntl(fd, F_SETFL, flags) }
    #if canImport(Glibc)
      let result = Glibc.connect(fd, address, length)
    #else
      let result = Darwin.connect(fd, address, length)
    #endif
    if result == 0 { return 0 }
    guard errno == EINPROGRESS || errno == EINTR else { return result }
    var ready = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
    guard poll(&ready, 1, 5_000) == 1 else {
      errno = ETIMEDOUT
      return -1
    }
    var failure: Int32 = 0
    var size = socklen_t(MemoryLayout<Int32>.size)
    _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &size)
    guard failure == 0 else {
      errno = failure
      return -1
    }
    return 0
  }
}
