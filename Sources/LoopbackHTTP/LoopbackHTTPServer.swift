import Basics
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small HTTP/1.1 server on the loopback interface: an accept thread plus one thread per connection, serving
/// whatever routes its handler knows.
///
/// It listens on 127.0.0.1 and, when the machine has IPv6, on ::1 with the same port, so `localhost` reaches it
/// whichever address a client tries first; never on another interface. A port whose ::1 side another program holds
/// counts as taken, because a client trying ::1 first would reach that program instead.
///
/// Connections are persistent (many requests each, pipelining answered in order) until the client sends
/// `Connection: close`, speaks HTTP/1.0 without `keep-alive`, sends something unparsable, or the handler drops it;
/// with `keepsConnectionsAlive: false` every connection carries one answer. Blocking threads rather than the
/// cooperative pool: a connection spends its life in `recv`, and on a 2-core machine a few idle keep-alive
/// connections would otherwise starve every task in the process. The handler is synchronous for the same reason; it
/// runs on the connection's thread, for several connections at once.
///
/// Beyond `maxConnections` open connections, accepting one closes the oldest idle one, one with no request under way
/// (nothing received since it opened or since its last answer, and nothing waiting to be read): idle connections (a
/// browser's speculative ones, or a burst from any local process) cannot crowd out the request that matters, nor
/// close a connection whose request is arriving, and no local client can make the server hold more. When every
/// connection has a request under way, the new one is closed instead. With `requestTimeoutSeconds`, a connection
/// that takes longer to deliver a complete request (counted from its accept or its previous answer) is closed, so
/// connections that trickle bytes cannot hold the slots for ever either.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///   HTTPReply(.respond(.text("hello\n", status: request.path == "/" ? 200 : 404)))
/// }
/// print(server.port)
/// await server.stop()
/// ```
package final class LoopbackHTTPServer: Sendable {
  package static let defaultMaxConnections = 128

  /// One open connection, and whether a request is under way on it (its bytes have started to arrive).
  private struct Connection {
    var fd: Int32
    var requestUnderWay = false
  }

  private struct State {
    var stopping = false
    /// Open connections, oldest first; a descriptor leaves the list before it is closed, so a stop or an eviction
    /// never shuts down a number the kernel has already reused.
    var connections: [Connection] = []
    /// Every connection accepted since the start, closed ones included.
    var acceptedConnections = 0
    /// The accept thread and every connection thread still running.
    var liveThreads = 0
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
  }

  /// The port bound on the loopback interface.
  package let port: UInt16
  /// Whether ::1 is bound as well as 127.0.0.1 (the machine has IPv6 loopback).
  package let servesIPv6: Bool
  private let wakePipe: WakePipe
  private let limits: HTTPLimits
  private let maxConnections: Int
  private let keepsConnectionsAlive: Bool
  private let requestTimeoutSeconds: Double?
  private let failureResponse: @Sendable (HTTPParseError) -> HTTPResponse
  private let handler: @Sendable (HTTPRequest) -> HTTPReply
  private let state = Locked(State())

  /// Binds and starts serving at once.
  ///
  /// - Parameters:
  ///   - requestTimeoutSeconds: how long a connection may take to deliver a complete request, counted from its accept
  ///     or its previous answer, before it is closed unanswered; `nil` waits as long as the client likes.
  ///   - failureResponse: the answer to a request that cannot be parsed, after which the connection closes; by
  ///     default a plain-text reason with the error's status.
  ///   - handler: the routes; called on the connection's thread.
  /// - Throws: ``LoopbackHTTPServerError/noPortAvailable(ports:)`` or
  ///   ``LoopbackHTTPServerError/socketFailed(call:reason:)``.
  package init(
    port: LoopbackPort = .ephemeral,
    maxConnections: Int = defaultMaxConnections,
    limits: HTTPLimits = HTTPLimits(),
    keepsConnectionsAlive: Bool = true,
    requestTimeoutSeconds: Double? = nil,
    failureResponse: @escaping @Sendable (HTTPParseError) -> HTTPResponse = {
      HTTPResponse.text($0.reason + "\n", status: $0.status)
    },
    handler: @escaping @Sendable (HTTPRequest) -> HTTPReply
  ) throws(LoopbackHTTPServerError) {
    let wakePipe = try WakePipe()
    let (listeners, port) = try Self.bind(port)
    self.wakePipe = wakePipe
    self.port = port
    self.servesIPv6 = listeners.count > 1
    self.limits = limits
    self.maxConnections = max(1, maxConnections)
    self.keepsConnectionsAlive = keepsConnectionsAlive
    self.requestTimeoutSeconds = requestTimeoutSeconds
    self.failureResponse = failureResponse
    self.handler = handler
    state.withLock { $0.liveThreads = 1 }
    let thread = Thread { [self] in acceptLoop(listeners) }
    thread.name = "loopback.http.accept"
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

  /// Closes the listeners and every connection, and returns once all of the server's threads have ended.
  ///
  /// A request being handled finishes its handler, but its response goes nowhere; a pending delay is cut short.
  /// Calling it again just waits for the same end.
  package func stop() async {
    requestStop()
    await waitUntilStopped()
  }

  /// Starts stopping and returns at once: safe from any thread (a deinit, a cancellation handler), any number of
  /// times. The threads close the sockets a moment later; ``waitUntilStopped()`` tells when they have.
  package func requestStop() {
    let alreadyStopping = state.withLockAndSignal { state in
      defer { state.stopping = true }
      if !state.stopping { state.connections.forEach { LoopbackSocket.shutdownBoth($0.fd) } }
      return state.stopping
    }
    if !alreadyStopping { wakePipe.signal() }
  }

  /// Returns once the server has stopped (after ``requestStop()``, ``stop()`` or a reply that
  /// ``HTTPReply/stopsServer``): its listeners are closed and all of its threads have ended.
  package func waitUntilStopped() async {
    await withCheckedContinuation { continuation in
      let finished = state.withLock { state in
        if state.liveThreads > 0 { state.stopWaiters.append(continuation) }
        return state.liveThreads == 0
      }
      if finished { continuation.resume() }
    }
  }

  // MARK: Binding

  /// The listening sockets and their port: a port is free when 127.0.0.1 binds and ::1 binds too or does not exist.
  private static func bind(_ port: LoopbackPort) throws(LoopbackHTTPServerError) -> (listeners: [Int32], port: UInt16) {
    switch port {
    case .ephemeral:
      // The kernel picks a port free on 127.0.0.1; when its ::1 side is taken, ask again.
      for _ in 0..<8 {
        let ipv4 = try listen(.ipv4, port: 0)
        let picked: UInt16
        switch LoopbackSocket.boundPort(ipv4) {
        case .success(let bound): picked = bound
        case .failure(let failure):
          LoopbackSocket.closeDescriptor(ipv4)
          throw .socketFailed(call: failure.call, reason: failure.reason)
        }
        if let listeners = addIPv6(to: ipv4, port: picked) { return (listeners, picked) }
      }
      throw .noPortAvailable(ports: 0...0)
    case .port(let single):
      return try bindFirstFree(in: single...single, skippingZero: false)
    case .firstFree(let ports):
      return try bindFirstFree(in: ports, skippingZero: true)
    }
  }

  private static func bindFirstFree(
    in ports: ClosedRange<UInt16>,
    skippingZero: Bool
  ) throws(LoopbackHTTPServerError) -> (listeners: [Int32], port: UInt16) {
    for port in ports where port != 0 || !skippingZero {
      let ipv4: Int32
      switch LoopbackSocket.listen(.ipv4, port: port) {
      case .success(let fd): ipv4 = fd
      case .failure(let failure) where failure.code == EADDRINUSE || failure.code == EACCES: continue
      case .failure(let failure): throw .socketFailed(call: failure.call, reason: failure.reason)
      }
      if let listeners = addIPv6(to: ipv4, port: port) { return (listeners, port) }
    }
    throw .noPortAvailable(ports: ports)
  }

  private static func listen(_ family: LoopbackSocket.Family, port: UInt16) throws(LoopbackHTTPServerError) -> Int32 {
    switch LoopbackSocket.listen(family, port: port) {
    case .success(let fd): return fd
    case .failure(let failure): throw .socketFailed(call: failure.call, reason: failure.reason)
    }
  }

  /// `ipv4` alone or with a ::1 listener on the same port; `nil` (with `ipv4` closed) when another program holds
  /// that port on ::1.
  private static func addIPv6(to ipv4: Int32, port: UInt16) -> [Int32]? {
    switch LoopbackSocket.listen(.ipv6, port: port) {
    case .success(let ipv6): return [ipv4, ipv6]
    case .failure(let failure) where failure.code == EADDRINUSE || failure.code == EACCES:
      LoopbackSocket.closeDescriptor(ipv4)
      return nil
    case .failure:
      // No IPv6 loopback here (EAFNOSUPPORT, EADDRNOTAVAIL): clients fall back to 127.0.0.1.
      return [ipv4]
    }
  }

  // MARK: Serving

  private func acceptLoop(_ listeners: [Int32]) {
    var fds = [pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0)]
    fds += listeners.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    serving: while case .success = LoopbackSocket.poll(&fds), fds[0].revents == 0 {
      for ready in fds.dropFirst() where ready.revents != 0 {
        while let fd = LoopbackSocket.accept(ready.fd) {
          guard admit(fd) != .stopping else { break serving }
        }
        // Out of descriptors: the connection stays queued and the listener readable; back off instead of spinning.
        if errno == EMFILE || errno == ENFILE { usleep(10_000) }
      }
    }
    // Listeners first, so a connect after the stop is refused rather than queued.
    listeners.forEach(LoopbackSocket.closeDescriptor)
    // A poll failure ends serving as a stop would; connections must not outlive the listeners.
    requestStop()
    threadEnded()
  }

  private enum Admission {
    case admitted
    /// Every connection has a request under way: this one is closed.
    case refused
    case stopping
  }

  /// Registers a new connection and starts its thread, making room by closing the oldest idle connection; `fd` is
  /// closed unless admitted.
  private func admit(_ fd: Int32) -> Admission {
    let admission = state.withLock { state -> Admission in
      if state.stopping { return .stopping }
      state.acceptedConnections += 1
      if state.connections.count >= maxConnections {
        // Bytes waiting in the kernel count too: the connection's thread may not have read them yet.
        guard
          let idle = state.connections.firstIndex(where: {
            !$0.requestUnderWay && !LoopbackSocket.hasBytesWaiting($0.fd)
          })
        else { return .refused }
        LoopbackSocket.shutdownBoth(state.connections.remove(at: idle).fd)
      }
      state.connections.append(Connection(fd: fd))
      state.liveThreads += 1
      return .admitted
    }
    guard admission == .admitted else {
      LoopbackSocket.closeDescriptor(fd)
      return admission
    }
    let thread = Thread { [self] in
      let stopsServer = serve(fd)
      state.withLock { $0.connections.removeAll { $0.fd == fd } }
      LoopbackSocket.closeDescriptor(fd)
      if stopsServer { requestStop() }
      threadEnded()
    }
    thread.name = "loopback.http.connection"
    thread.start()
    return .admitted
  }

  private func markRequestUnderWay(_ fd: Int32, _ underWay: Bool) {
    state.withLock { state in
      if let index = state.connections.firstIndex(where: { $0.fd == fd }) {
        state.connections[index].requestUnderWay = underWay
      }
    }
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

  /// Reads requests from one connection and answers them in order until it should close; `true` when a reply asked
  /// for the server to stop.
  private func serve(_ fd: Int32) -> Bool {
    var parser = HTTPRequestParser(limits: limits)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
    defer { buffer.deallocate() }
    var deadline = requestTimeoutSeconds.map { Date(timeIntervalSinceNow: $0) }
    while true {
      guard LoopbackSocket.waitUntilReadable(fd, deadline: deadline) else { return false }
      // Marked before the bytes leave the kernel, where an eviction would see them: never unmarked in between.
      markRequestUnderWay(fd, true)
      defer { markRequestUnderWay(fd, !parser.isAwaitingRequest) }
      let count = LoopbackSocket.receive(fd, into: buffer)
      if count <= 0 { return false }
      for event in parser.feed(buffer[..<count]) {
        switch event {
        case .continueExpected:
          guard LoopbackSocket.sendAll(fd, HTTPResponse(status: 100).serialized(closingConnection: false)) else {
            return false
          }
        case .failure(let error):
          _ = LoopbackSocket.sendAll(fd, failureResponse(error).serialized(closingConnection: true))
          LoopbackSocket.finishSending(fd)
          return false
        case .request(let request):
          switch answer(request, on: fd) {
          case .keepOpen: deadline = requestTimeoutSeconds.map { Date(timeIntervalSinceNow: $0) }
          case .close: return false
          case .closeAndStopServer: return true
          }
        }
      }
    }
  }

  private enum AfterAnswer {
    case keepOpen
    case close
    case closeAndStopServer
  }

  /// Runs the handler for one request and writes its reply.
  private func answer(_ request: HTTPRequest, on fd: Int32) -> AfterAnswer {
    let reply = handler(request)
    let close: AfterAnswer = reply.stopsServer ? .closeAndStopServer : .close
    guard pause(reply.delaySeconds, on: fd) else { return close }
    switch reply.action {
    case .dropConnection:
      return close
    case .hang:
      state.wait(until: { $0.stopping }) { _ in }
      return close
    case .endlessBody(let response, let pauseSeconds):
      let head = response.serializedHead(contentLength: nil, closingConnection: true)
      guard LoopbackSocket.sendAll(fd, head) else { return close }
      while LoopbackSocket.sendAll(fd, response.body) {
        let stopped = state.wait(until: { $0.stopping }, timeoutSeconds: pauseSeconds) { $0.stopping }
        if stopped || LoopbackSocket.peerHasClosed(fd) { return close }
      }
      return close
    case .respond(let response):
      let keepOpen =
        keepsConnectionsAlive && !reply.stopsServer && request.keepsConnectionAlive
        && !state.withLock { $0.stopping }
      let omittingBody = request.method == "HEAD"
      let bytes = response.serialized(closingConnection: !keepOpen, omittingBody: omittingBody)
      // The head and the body's first part, then each further part after a pause (a 200's body, which is always
      // sent whole after the head, is the only one cut).
      let parts = reply.partPauseSeconds > 0 && !omittingBody && response.status == 200 ? response.bodyPartEnds : []
      let headLength = bytes.count - (parts.isEmpty ? 0 : response.body.count)
      var sent = 0
      for end in parts.map({ headLength + $0 }) + [bytes.count] where end > sent && end <= bytes.count {
        guard sent == 0 || pause(reply.partPauseSeconds, on: fd) else { return close }
        guard LoopbackSocket.sendAll(fd, sent == 0 && end == bytes.count ? bytes : Array(bytes[sent..<end])) else {
          return close
        }
        sent = end
      }
      if keepOpen { return .keepOpen }
      LoopbackSocket.finishSending(fd)
      return close
    }
  }

  /// Waits `seconds` before acting on `fd`; `false` when the server stops or the client hangs up meanwhile. Waits in
  /// short slices, so a client that gives up (a timeout, a cancelled request) closes the connection here at once,
  /// as with a real server, instead of holding it for the whole delay.
  private func pause(_ seconds: Double, on fd: Int32) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while case let remaining = deadline.timeIntervalSinceNow, remaining > 0 {
      let stopped = state.wait(until: { $0.stopping }, timeoutSeconds: min(0.02, remaining)) { $0.stopping }
      if stopped || LoopbackSocket.peerHasClosed(fd) { return false }
    }
    return true
  }
}
