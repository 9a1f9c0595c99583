import Foundation
import LoopbackHTTP
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The server on its own, with a handler of the test's: routes, ports, the connection cap, and stopping from a
/// reply. The sandbox's and the login listener's suites cover keep-alive, pipelining and errors on the wire.
@Suite(.timeLimit(.minutes(1))) struct LoopbackHTTPServerTests {
  private func get(_ url: String) async throws -> (status: Int, body: String) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 20
    let session = URLSession(configuration: configuration)
    defer { session.invalidateAndCancel() }
    let (body, response) = try await session.data(from: try #require(URL(string: url)))
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
  }

  /// A TCP connection to 127.0.0.1 that sends nothing, or `nil` when it was refused.
  private func connectIdle(port: UInt16) -> Int32? {
    #if canImport(Glibc)
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if connected == 0 { return fd }
    close(fd)
    return nil
  }

  private func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    return condition()
  }

  @Test func servesTheHandlersRoutesOnAnEphemeralPort() async throws {
    let server = try LoopbackHTTPServer { request in
      guard request.path == "/hello" else { return HTTPReply(.respond(.text("no\n", status: 404))) }
      return HTTPReply(.respond(.text("hello \(request.query["name"] ?? "")", status: 200)))
    }
    #expect(server.port != 0)
    let hello = try await get("http://127.0.0.1:\(server.port)/hello?name=a+b")
    #expect(hello.status == 200 && hello.body == "hello a b")
    #expect(try await get("http://127.0.0.1:\(server.port)/other").status == 404)
    if server.servesIPv6 { #expect(try await get("http://localhost:\(server.port)/hello").status == 200) }
    await server.stop()
    #expect(connectIdle(port: server.port) == nil, "refused once stopped")
    await server.stop()
  }

  @Test func aBodyWithPartsComesWholeAndAPartAtATime() async throws {
    let server = try LoopbackHTTPServer { request in
      let response = HTTPResponse(status: 200, body: Array("0123456789".utf8), bodyPartEnds: [4, 7])
      return HTTPReply(.respond(response), partPauseSeconds: request.path == "/slow" ? 30 : 0.01)
    }
    defer { Task { await server.stop() } }
    #expect(try await get("http://127.0.0.1:\(server.port)/fast").body == "0123456789")

    // With a long pause, the head (announcing the whole length) and the first part come, and nothing else.
    let fd = try #require(connectIdle(port: server.port))
    defer { close(fd) }
    #expect(Self.send(fd, "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n0123") {
      let count = read(fd, &buffer, buffer.count)
      guard count > 0 else { break }
      received += buffer[..<count]
    }
    let text = String(decoding: received, as: UTF8.self)
    #expect(text.hasPrefix("HTTP/1.1 200") && text.contains("Content-Length: 10\r\n") && text.hasSuffix("0123"))
    var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    #expect(poll(&waiting, 1, 200) == 0, "the second part waits for its pause")
  }

  @Test func aTakenPortIsReportedAndARangeMovesOn() async throws {
    let first = try LoopbackHTTPServer { _ in HTTPReply(.dropConnection) }
    #expect(throws: LoopbackHTTPServerError.noPortAvailable(ports: first.port...first.port)) {
      try LoopbackHTTPServer(port: .port(first.port)) { _ in HTTPReply(.dropConnection) }
    }
    let ports = first.port...(first.port == .max ? first.port : first.port + 1)
    if ports.count == 2,
      let second = try? LoopbackHTTPServer(port: .firstFree(ports), handler: { _ in HTTPReply(.hang) })
    {
      #expect(second.port == ports.upperBound)
      await second.stop()
    }
    await first.stop()
  }

  @Test func aReplyCanStopTheServerAfterItIsSent() async throws {
    let server = try LoopbackHTTPServer { _ in HTTPReply(.respond(.text("bye", status: 200)), stopsServer: true) }
    let answer = try await get("http://127.0.0.1:\(server.port)/")
    #expect(answer.status == 200 && answer.body == "bye")
    await server.waitUntilStopped()
    #expect(connectIdle(port: server.port) == nil)
  }

  @Test func theOldestConnectionMakesRoomBeyondTheCap() async throws {
    let server = try LoopbackHTTPServer(maxConnections: 3) { _ in HTTPReply(.hang) }
    let idle = (0..<5).compactMap { _ in connectIdle(port: server.port) }
    defer { idle.forEach { close($0) } }
    #expect(idle.count == 5)
    #expect(try await eventually { server.acceptedConnectionCount == 5 && server.openConnectionCount == 3 })
    var byte: UInt8 = 0
    #expect(recv(idle[0], &byte, 1, 0) == 0, "the oldest was closed")
    await server.stop()
    #expect(server.openConnectionCount == 0)
  }

  /// Making room closes only connections with no request under way: one whose request has started to arrive is
  /// kept, and when every connection has one, the newcomer is closed instead.
  @Test func aConnectionWhoseRequestIsArrivingIsNeverEvicted() async throws {
    let server = try LoopbackHTTPServer(maxConnections: 3) { _ in HTTPReply(.respond(.text("ok", status: 200))) }
    let arriving = try #require(connectIdle(port: server.port))
    defer { close(arriving) }
    #expect(Self.send(arriving, "GET / HTTP/1.1\r\n"))
    let idle = (0..<5).compactMap { _ in connectIdle(port: server.port) }
    defer { idle.forEach { close($0) } }
    #expect(try await eventually { server.acceptedConnectionCount == 6 && server.openConnectionCount == 3 })
    #expect(Self.send(arriving, "Host: x\r\nConnection: close\r\n\r\n"))
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1024)
    while case let count = recv(arriving, &buffer, buffer.count, 0), count > 0 { response += buffer[..<count] }
    #expect(String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
    await server.stop()
  }

  @Test func withEveryConnectionBusyANewOneIsClosed() async throws {
    let server = try LoopbackHTTPServer(maxConnections: 2) { _ in HTTPReply(.hang) }
    let busy = (0..<2).compactMap { _ in connectIdle(port: server.port) }
    defer { busy.forEach { close($0) } }
    for fd in busy { #expect(Self.send(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")) }
    let late = try #require(connectIdle(port: server.port))
    defer { close(late) }
    var byte: UInt8 = 0
    #expect(recv(late, &byte, 1, 0) == 0, "the newcomer was closed")
    #expect(server.openConnectionCount == 2)
    await server.stop()
  }

  @Test func aConnectionThatDeliversNoRequestInTimeIsClosed() async throws {
    let server = try LoopbackHTTPServer(requestTimeoutSeconds: 0.2) { _ in
      HTTPReply(.respond(HTTPResponse(status: 204)))
    }
    let idle = try #require(connectIdle(port: server.port))
    defer { close(idle) }
    var byte: UInt8 = 0
    #expect(recv(idle, &byte, 1, 0) == 0, "closed unanswered")
    await server.stop()
  }

  /// Writes `text` without raising `SIGPIPE` (which would end the test run); `false` when not all of it went.
  private static func send(_ fd: Int32, _ text: String) -> Bool {
    #if canImport(Glibc)
      Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
    #else
      Array(text.utf8).withUnsafeBytes { Darwin.send(fd, $0.baseAddress, $0.count, 0) == $0.count }
    #endif
  }

  @Test func unparsableRequestsGetTheServersFailureResponse() async throws {
    let server = try LoopbackHTTPServer(
      limits: HTTPLimits(maxHeadBytes: 64),
      failureResponse: { HTTPResponse.text("custom \($0.status)", status: 400) },
      handler: { _ in HTTPReply(.respond(HTTPResponse(status: 204))) }
    )
    let answer = try await get("http://127.0.0.1:\(server.port)/\(String(repeating: "x", count: 100))")
    #expect(answer.status == 400 && answer.body == "custom 431")
    await server.stop()
  }
}
