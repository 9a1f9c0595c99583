import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A keep-alive HTTP/1.1 client for the metadata-service endpoint, as an SDK's connection pool uses it: one socket,
/// one `GET` after another, each answer read to its `Content-Length`.
///
/// Raw sockets rather than `URLSession`, so the figures measure brickauth's endpoint and not the client's overhead.
final class MetadataServiceClient {
  private let fd: Int32
  private let request: [UInt8]
  private var buffer: [UInt8] = []

  /// - Parameters:
  ///   - url: `http://127.0.0.1:<port>/<secret>`, as `serveCredentials` hands it out.
  ///   - host: the profile's host, sent as `X-Databricks-Host`.
  init?(url: String, host: String) {
    guard let components = URLComponents(string: url), let port = components.port else { return nil }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.fd = fd
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(fd)
      return nil
    }
    var noDelay: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    request = Array(
      ("GET \(components.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Databricks-Metadata-Version: 1\r\n"
        + "X-Databricks-Host: \(host)\r\n\r\n").utf8
    )
  }

  deinit { close(fd) }

  /// Sends one `GET` and returns the answer's status and body, or `nil` when the connection broke.
  func get() -> (status: Int, body: [UInt8])? {
    let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    guard sent == request.count else { return nil }
    while true {
      if let end = headEnd() {
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let length =
          head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
          .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        if buffer.count >= end + 4 + length {
          let body = Array(buffer[(end + 4)..<(end + 4 + length)])
          buffer.removeFirst(end + 4 + length)
          return (status, body)
        }
      }
      var chunk = [UInt8](repeating: 0, count: 16 * 1024)
      let count = recv(fd, &chunk, chunk.count, 0)
      guard count > 0 else { return nil }
      buffer.append(contentsOf: chunk[0..<count])
    }
  }

  private func headEnd() -> Int? {
    guard buffer.count >= 4 else { return nil }
    for index in 0...(buffer.count - 4)
    where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
      return index
    }
    return nil
  }
}
