/// Where the connection sends complete messages; framing (a newline, or LSP headers) is the writer's business.
///
/// `write` must never block on the network or the peer: implementations queue the bytes and return, so a
/// handler can report progress while holding its request's lock without stalling other requests.
package protocol MessageWriter: Sendable {
  /// Queues one message (compact JSON, no terminator) to be written whole and never interleaved with another.
  func write(_ message: [UInt8])
}
