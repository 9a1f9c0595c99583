package import JSONRPC

extension Connection {
  /// Feeds one message as the reader thread would (tests write JSON text instead of bytes).
  package func receive(_ text: String) {
    receive(Array(text.utf8)[...])
  }
}
