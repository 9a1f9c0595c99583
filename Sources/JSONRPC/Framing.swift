/// How messages are delimited on the byte stream.
package enum Framing: Sendable, Equatable {
  /// One JSON value per line (JSON-RPC over NDJSON, MCP stdio): the default.
  case newline
  /// LSP base protocol: `Content-Length: N\r\n\r\n` then N bytes, so stock vscode-jsonrpc readers work.
  case contentLength

  /// Appends one framed message to `buffer`.
  package func frame(_ message: [UInt8], into buffer: inout [UInt8]) {
    switch self {
    case .newline:
      buffer.append(contentsOf: message)
      buffer.append(0x0A)
    case .contentLength:
      buffer.append(contentsOf: "Content-Length: \(message.count)\r\n\r\n".utf8)
      buffer.append(contentsOf: message)
    }
  }
}
