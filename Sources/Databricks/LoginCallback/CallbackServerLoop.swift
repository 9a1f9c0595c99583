#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The body of ``LoopbackListener``'s thread: one `poll` loop over the listening sockets, the wake pipe and every
/// open connection, until the redirect has been answered or the listener is closed.
///
/// One thread serves all connections, because browsers open speculative connections that send nothing for a
/// while (and helpers probe the port first): serving them one after another would leave the real redirect waiting
/// behind an idle one. Each connection gets one answer and is closed. The loop owns every descriptor it polls
/// except the wake pipe; nothing else touches them, so they need no lock.
struct CallbackServerLoop {
  /// Connections beyond this many close the oldest one: a bound on what local clients can make the listener hold.
  static let maxConnections = 32

  private struct Connection {
    var fd: Int32
    var reader: CallbackRequestReader
  }

  private var listeners: [Int32]
  private let wakeFD: Int32
  private let expectedPath: String
  private let expectedState: String?
  private let applicationName: String
  private var connections: [Connection] = []

  init(listeners: [Int32], wakeFD: Int32, expectedPath: String, expectedState: String?, applicationName: String) {
    self.listeners = listeners
    self.wakeFD = wakeFD
    self.expectedPath = expectedPath
    self.expectedState = expectedState
    self.applicationName = applicationName
  }

  /// Serves until the flow ends; every socket is closed when this returns.
  mutating func run() -> Result<CallbackResult, LoopbackListenerError> {
    let outcome = serve()
    // Listeners first, so a connect after `callback()` returned is refused rather than queued.
    listeners.forEach { close($0) }
    listeners = []
    connections.forEach { close($0.fd) }
    connections = []
    return outcome
  }

  private mutating func serve() -> Result<CallbackResult, LoopbackListenerError> {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
    defer { buffer.deallocate() }
    while true {
      var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
      fds += listeners.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      fds += connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
      if case .failure(let failure) = CallbackSocket.poll(&fds) {
        return .failure(.socketFailed(call: failure.call, reason: failure.reason))
      }
      if fds[0].revents != 0 { return .failure(.closed) }

      let ready = Set(fds.dropFirst(1 + listeners.count).filter { $0.revents != 0 }.map(\.fd))
      var kept: [Connection] = []
      var index = 0
      while index < connections.count {
        var connection = connections[index]
        index += 1
        guard ready.contains(connection.fd) else {
          kept.append(connection)
          continue
        }
        let count = CallbackSocket.receive(connection.fd, into: buffer)
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
          kept.append(connection)
          continue
        }
        guard count > 0 else {
          close(connection.fd)
          continue
        }
        guard let request = connection.reader.feed(buffer[..<count]) else {
          kept.append(connection)
          continue
        }
        let reply = CallbackReply(for: request, expectedState: expectedState, applicationName: applicationName)
        // Whether the browser read the page or not, the redirect it made is what it is: a code is still valid.
        _ = CallbackSocket.sendAll(connection.fd, reply.serialized)
        CallbackSocket.finish(connection.fd)
        if case .finish(let outcome) = reply.outcome {
          connections = kept + connections[index...]
          return outcome
        }
      }
      connections = kept

      for (offset, listener) in listeners.enumerated() where fds[1 + offset].revents != 0 {
        while let fd = CallbackSocket.accept(listener) {
          connections.append(Connection(fd: fd, reader: CallbackRequestReader(expectedPath: expectedPath)))
          if connections.count > Self.maxConnections { close(connections.removeFirst().fd) }
        }
        if errno == EMFILE || errno == ENFILE {
          // Out of descriptors: the connection stays queued and the listener readable. Free one, or the loop would
          // spin on `poll` until something else in the process closes a file.
          if connections.isEmpty { usleep(10_000) } else { close(connections.removeFirst().fd) }
        }
      }
    }
  }
}
