import Basics
import Foundation

/// Reads protocol input on a dedicated thread and hands whole messages to a ``Connection``.
///
/// Reading is blocking I/O, so it must not run on the cooperative pool: on a 2-core machine one blocked
/// `read` there would starve every request. Messages are framed by ``LineFramer``, or by LSP headers when
/// the stream starts with `Content-Length:` (detected on the first bytes by ``MessageStreamDecoder``).
package final class StdioReader: Sendable {
  private let fd: Int32
  private let connection: Connection
  private let maxMessageBytes: Int
  private let beforeMessage: @Sendable () -> Void
  private let onFramingDetected: @Sendable (Framing) -> Void

  /// - Parameters:
  ///   - beforeMessage: runs on the reader thread before each message is handed over; it may block to apply
  ///     backpressure (the service waits there while the output backlog is large).
  ///   - onFramingDetected: called once, when the first bytes decide between newline and LSP framing.
  package init(
    fd: Int32,
    connection: Connection,
    maxMessageBytes: Int,
    beforeMessage: @escaping @Sendable () -> Void = {},
    onFramingDetected: @escaping @Sendable (Framing) -> Void = { _ in }
  ) {
    self.fd = fd
    self.connection = connection
    self.maxMessageBytes = maxMessageBytes
    self.beforeMessage = beforeMessage
    self.onFramingDetected = onFramingDetected
  }

  package func start() {
    let thread = Thread { [self] in run() }
    thread.name = "brickauth.stdin"
    thread.start()
  }

  private func run() {
    var decoder = MessageStreamDecoder(maxMessageBytes: maxMessageBytes)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
    defer { buffer.deallocate() }
    let connection = self.connection
    let beforeMessage = self.beforeMessage
    let emit: (LineFramer.Event) -> Void = { event in
      beforeMessage()
      connection.receive(event)
    }
    while true {
      let count = FileDescriptorIO.read(fd, into: buffer)
      if count <= 0 { break }
      decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), detected: onFramingDetected, emit)
    }
    decoder.finish(emit)
    connection.inputClosed()
  }
}
