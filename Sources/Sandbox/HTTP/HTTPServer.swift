import Basics
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1: an accept thread plus one thread per connection.
///
/// Connections are persistent (many requests each, pipelining answered in order) until the client sends
/// `Connection: close`, speaks HTTP/1.0 without `keep-alive`, sends something unparsable, or the handler asks
/// to drop it. Blocking threads rather than the cooperative pool: a connection spends its life in `recv`, and on
/// a 2-core machine a few idle keep-alive connections would otherwise starve every task in the process. The
/// handler is synchronous for the same reason; it runs on the connection's thread.
///
/// ```swift
/// let server = try HTTPServer { request in .init(.respond(.json(["ok": true]))) }
/// print(server.port)
/// await server.stop()
/// ```
package final class HTTPServer: Sendable {
  /// What to do with one request.
  package struct Reply: Sendable {
    package enum Action: Sendable {
      case respond(HTTPResponse)
      /// Close the connection without answering, as a crashed proxy would.
      case dropConnection
      /// Never answer: hold the connection, unanswered, until the server stops (a user who never finishes a consent
      /// page). The client's own timeout is what is under test.
      case hang
    }

    package var action: Action
    /// Seconds to wait before acting; cut short when the server stops.
    package var delaySeconds: Double

    package init(_ action: Action, delaySeconds: Double = 0) {
      self.action = action
      self.delaySeconds = delaySeconds
    }
  }

  private struct State {
    var stopping = false
    /// Open connection descriptors; a descriptor leaves the set before it is closed, so `stop()` never shuts
    /// down a number the kernel has already reused.
    var connections: Set<Int32> = []
    /// Every connection accepted since the start, closed ones included.
    var acceptedConnections = 0
    /// The accept thread and every connection thread still running.
    var liveThreads = 0
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
  }

  /// The port the kernel assigned on 127.0.0.1.
  package let port: UInt16
  private let listener: Int32
  private let wakePipe: (read: Int32, write: Int32)
  private let handler: @Sendable (HTTPRequest) -> Reply
  private let maxHeaderBytes: Int
  private let maxBodyBytes: Int
  private let state = Locked(State())

  /// Binds and starts accepting at once.
  ///
  /// - Throws: ``LoopbackSocket/Failure`` when the socket cannot be set up.
  package init(
    maxHeaderBytes: Int = HTTPRequestParser.defaultMaxHeaderBytes,
    maxBodyBytes: Int = HTTPRequestParser.defaultMaxBodyBytes,
    handler: @escaping @Sendable (HTTPRequest) -> Reply
  ) throws {
    (listener, port) = try LoopbackSocket.listenOnLoopback()
    do {
      wakePipe = try LoopbackSocket.makeWakePipe()
    } catch {
      close(listener)
      throw error
    }
    self.handler = handler
    self.maxHeaderBytes = maxHeaderBytes
    self.maxBodyBytes = maxBodyBytes
    state.withLock { $0.liveThreads = 1 }
    let thread = Thread { [self] in acceptLoop() }
    thread.name = "sandbox.http.accept"
    thread.start()
  }

  /// How many connections are open right now.
  package var openConnectionCount: Int {
    state.withLock { $0.connections.count }
  }

  /// How many connections were accepted since the server started, closed ones included: a client that reuses its
  /// connections opens no more than it ever had requests in flight at once, however many requests it sends.
  package var acceptedConnectionCount: Int {
    state.withLock { $0.acceptedConnections }
  }

  /// Closes the listener and every connection, and returns once all of the server's threads have ended.
  ///
  /// A request being handled finishes its handler, but its response goes nowhere; a pending delay is cut short.
  /// Calling it again just waits for the same end.
  package func stop() async {
    let alreadyStopping = state.withLockAndSignal { state in
      defer { state.stopping = true }
      if !state.stopping { state.connections.forEach(LoopbackSocket.shutdownBoth) }
      return state.stopping
    }
    if !alreadyStopping { FileDescriptorIO.writeAll(wakePipe.write, [1]) }
    await withCheckedContinuation { continuation in
      let finished = state.withLock { state in
        if state.liveThreads > 0 { state.stopWaiters.append(continuation) }
        return state.liveThreads == 0
      }
      if finished { continuation.resume() }
    }
    // Only now is nothing polling or writing the pipe; closing the read end any earlier would turn the wake-up
    // write above into a SIGPIPE.
    if !alreadyStopping {
      close(wakePipe.read)
      close(wakePipe.write)
    }
  }

  private func acceptLoop() {
    while LoopbackSocket.waitForConnection(listener, orWake: wakePipe.read) {
      guard let fd = LoopbackSocket.accept(listener) else {
        // Out of descriptors: back off instead of spinning on a listener that stays readable.
        if errno == EMFILE || errno == ENFILE { usleep(10_000) }
        continue
      }
      let admitted = state.withLock { state in
        if state.stopping { return false }
        state.connections.insert(fd)
        state.acceptedConnections += 1
        state.liveThreads += 1
        return true
      }
      guard admitted else {
        close(fd)
        break
      }
      let thread = Thread { [self] in
        serve(fd)
        state.withLock { _ = $0.connections.remove(fd) }
        close(fd)
        threadEnded()
      }
      thread.name = "sandbox.http.connection"
      thread.start()
    }
    close(listener)
    threadEnded()
  }

  private func threadEnded() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.liveThreads -= 1
      guard state.liveThreads == 0 else { return [] }
      defer { state.stopWaiters = [] }
      return state.stopWaiters
    }
    waiters.forEach { $0.resume() }
  }

  /// Reads requests from one connection and answers them in order until it should close.
  private func serve(_ fd: Int32) {
    var parser = HTTPRequestParser(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
    defer { buffer.deallocate() }
    while true {
      let count = LoopbackSocket.receive(fd, into: buffer)
      if count <= 0 { return }
      for event in parser.feed(buffer[..<count]) {
        switch event {
        case .continueExpected:
          guard LoopbackSocket.sendAll(fd, HTTPResponse(status: 100).serialized(closingConnection: false)) else {
            return
          }
        case .failure(let error):
          let response = HTTPResponse.text(error.reason + "\n", status: error.status)
          _ = LoopbackSocket.sendAll(fd, response.serialized(closingConnection: true))
          return
        case .request(let request):
          guard answer(request, on: fd) else { return }
        }
      }
    }
  }

  /// Runs the handler for one request and writes its reply; `false` when the connection must close.
  private func answer(_ request: HTTPRequest, on fd: Int32) -> Bool {
    let reply = handler(request)
    if reply.delaySeconds > 0 {
      // Wait in short slices, so a client that gives up (a timeout, a cancelled request) closes the connection
      // here at once, as with a real server, instead of holding it for the whole delay.
      let deadline = Date(timeIntervalSinceNow: reply.delaySeconds)
      while case let remaining = deadline.timeIntervalSinceNow, remaining > 0 {
        let stopped = state.wait(until: { $0.stopping }, timeoutSeconds: min(0.02, remaining)) { $0.stopping }
        if stopped || LoopbackSocket.peerHasClosed(fd) { return false }
      }
    }
    switch reply.action {
    case .dropConnection:
      return false
    case .hang:
      state.wait(until: { $0.stopping }) { _ in }
      return false
    case .respond(let response):
      let keepOpen = request.keepsConnectionAlive && !state.withLock { $0.stopping }
      let bytes = response.serialized(closingConnection: !keepOpen, omittingBody: request.method == "HEAD")
      return LoopbackSocket.sendAll(fd, bytes) && keepOpen
    }
  }
}
