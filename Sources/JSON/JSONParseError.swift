/// Why a byte sequence is not one valid JSON text, and where the parser gave up.
///
/// `reason` is a short fixed phrase chosen by the parser and never quotes the input: request lines can carry
/// tokens, and this error ends up in JSON-RPC error messages and logs.
package struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The byte offset (from the start of the input) at which the problem was detected.
  package var offset: Int
  /// A short human phrase such as "unexpected end of input" or "invalid UTF-8".
  package var reason: String

  package init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  package var description: String {
    "invalid JSON at byte \(offset): \(reason)"
  }
}
