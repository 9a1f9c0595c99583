import Foundation
package import JSON
package import LoopbackHTTP

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TCP client that writes raw bytes and reads HTTP/1.1 responses one by one, for what URLSession hides:
/// connection reuse, pipelining, malformed requests, dropped connections.
///
/// Its socket calls block, so each runs on a ``DedicatedThread``: a test waiting here leaves the cooperative pool
/// to the server it waits for. Reads time out after 30 s so a server bug fails the test instead of hanging it.
package final class RawHTTPConnection {
  package struct Response {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: [UInt8]
    package var json: JSONValue? { try? JSONParser.parse(body) }
  }

  package struct Failure: Error {
    package var reason: String
  }

  private let fd: Int32
  private var buffer: [UInt8] = []
  private var closed = false

  package init(port: UInt16) throws {
    #if canImport(Glibc)
      fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw Failure(reason: "socket") }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      let code = errno
      closeDescriptor(fd)
      throw Failure(reason: "connect: \(String(cString: strerror(code)))")
    }
  }

  deinit {
    if !closed { closeDescriptor(fd) }
  }

  package func send(_ text: String) async throws {
    try await send(Array(text.utf8))
  }

  package func send(_ bytes: [UInt8]) async throws {
    let fd = fd
    let sentAll = await DedicatedThread.run {
      var offset = 0
      while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { buffer in
          #if canImport(Glibc)
            Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
          #else
            Darwin.send(fd, buffer.baseAddress, buffer.count, 0)
          #endif
        }
        guard sent > 0 else { return false }
        offset += sent
      }
      return true
    }
    guard sentAll else { throw Failure(reason: "send failed") }
  }

  /// The next complete response, or `nil` when the server closed the connection before one arrived.
  package func readResponse() async throws -> Response? {
    while true {
      if let response = try takeResponse() { return response }
      guard try await fill() else { return nil }
    }
  }

  /// The next response head only, for an answer to `HEAD`, whose `Content-Length` describes a body never sent.
  package func readHead() async throws -> Response? {
    while true {
      if let response = try takeResponse(withBody: false) { return response }
      guard try await fill() else { return nil }
    }
  }

  /// Everything until the server closes the connection.
  package func readToEnd() async throws -> [UInt8] {
    while try await fill() {}
    defer { buffer = [] }
    return buffer
  }

  package func close() {
    guard !closed else { return }
    closed = true
    closeDescriptor(fd)
  }

  /// Reads more bytes into the buffer; `false` at end of stream.
  private func fill() async throws -> Bool {
    let fd = fd
    let received: Result<[UInt8], Failure> = await DedicatedThread.run {
      var chunk = [UInt8](repeating: 0, count: 64 * 1024)
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      guard count >= 0 else {
        // A reset (the server closed with unread input) is an end of stream too.
        if errno == ECONNRESET { return .success([]) }
        return .failure(Failure(reason: "recv: \(String(cString: strerror(errno)))"))
      }
      return .success(Array(chunk[..<count]))
    }
    let chunk = try received.get()
    buffer += chunk
    return !chunk.isEmpty
  }

  private func takeResponse(withBody: Bool = true) throws -> Response? {
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    guard let headEnd = buffer.indices.first(where: { buffer[$0...].starts(with: separator) }) else { return nil }
    let lines = String(decoding: buffer[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = lines[0].split(separator: " ", maxSplits: 2)
    guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
      throw Failure(reason: "bad status line \(lines[0])")
    }
    var headers = HTTPHeaders()
    for line in lines.dropFirst() {
      let parts = line.split(separator: ":", maxSplits: 1)
      headers.add(String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
    }
    let length = withBody ? Int(headers["Content-Length"] ?? "0") ?? 0 : 0
    let bodyStart = headEnd + separator.count
    guard buffer.count >= bodyStart + length else { return nil }
    let response = Response(status: status, headers: headers, body: Array(buffer[bodyStart..<bodyStart + length]))
    buffer.removeFirst(bodyStart + length)
    return response
  }
}

private func closeDescriptor(_ fd: Int32) {
  #if canImport(Glibc)
    _ = Glibc.close(fd)
  #else
    _ = Darwin.close(fd)
  #endif
}
