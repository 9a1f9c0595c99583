/// Turns the input byte stream into messages, choosing the framing from the first bytes: a pure value.
///
/// A stream that starts with `Content-Length:` (or `Content-Type:`) speaks LSP header framing for the whole
/// session, so a VS Code extension can use stock vscode-jsonrpc readers and writers; anything else is
/// newline-delimited JSON. Detection waits for the first non-whitespace byte, so it costs nothing per message.
package struct MessageStreamDecoder {
  /// The detected framing, or `nil` while only whitespace has arrived.
  package private(set) var framing: Framing?
  private let maxMessageBytes: Int
  private var lines: LineFramer
  private var headers = LSPFramer(maxMessageBytes: 0)
  /// Bytes held back until the framing is known.
  private var undecided: [UInt8] = []

  package init(maxMessageBytes: Int) {
    self.maxMessageBytes = maxMessageBytes
    self.lines = LineFramer(maxLineBytes: maxMessageBytes)
    self.headers = LSPFramer(maxMessageBytes: maxMessageBytes)
  }

  /// Feeds bytes; `detected` is called once, when the framing is decided and before the first message is emitted,
  /// so the writer answers that message in the same framing.
  package mutating func feed(
    _ chunk: UnsafeRawBufferPointer,
    detected: (Framing) -> Void = { _ in },
    _ emit: (LineFramer.Event) -> Void
  ) {
    switch framing {
    case .newline?: lines.feed(chunk, emit)
    case .contentLength?: headers.feed(chunk, emit)
    case nil:
      undecided.append(contentsOf: chunk)
      guard let decided = Self.detect(undecided) else {
        // Keep only a bounded amount of leading whitespace while undecided.
        if undecided.count > 4096 { undecided.removeAll() }
        return
      }
      framing = decided
      detected(decided)
      // Whitespace before the first header is noise, not part of a header block.
      let held =
        decided == .contentLength
        ? Array(undecided.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) : undecided
      undecided = []
      held.withUnsafeBytes { feed($0, emit) }
    }
  }

  package mutating func feed(_ chunk: some Collection<UInt8>, _ emit: (LineFramer.Event) -> Void) {
    Array(chunk).withUnsafeBytes { feed($0, emit) }
  }

  package mutating func finish(_ emit: (LineFramer.Event) -> Void) {
    switch framing {
    case .newline?: lines.finish(emit)
    case .contentLength?: headers.finish(emit)
    case nil: break
    }
  }

  /// Decides the framing once a non-whitespace byte and enough of a header name have arrived.
  static func detect(_ bytes: [UInt8]) -> Framing? {
    guard let first = bytes.firstIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A) }) else {
      return nil
    }
    let rest = bytes[first...].lazy.map { $0 | 0x20 }  // ASCII lower-case
    for header in ["content-length:", "content-type:"] {
      let expected = Array(header.utf8)
      let prefix = Array(rest.prefix(expected.count))
      if prefix == expected { return .contentLength }
      if prefix.count < expected.count && expected.starts(with: prefix) { return nil }  // need more bytes
    }
    return .newline
  }
}
