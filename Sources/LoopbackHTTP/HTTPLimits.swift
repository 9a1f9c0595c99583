/// How much one request may make the server hold: a bound on what any local client can make it buffer.
///
/// A request over a limit is refused: `431` for the head (its bytes or its field count), `413` for the body.
package struct HTTPLimits: Sendable, Equatable {
  /// The request line and header fields together, blank lines before the request line included.
  package var maxHeadBytes: Int
  package var maxHeaderCount: Int
  /// The `Content-Length` of one request.
  package var maxBodyBytes: Int

  package init(maxHeadBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1024 * 1024) {
    self.maxHeadBytes = maxHeadBytes
    self.maxHeaderCount = maxHeaderCount
    self.maxBodyBytes = maxBodyBytes
  }
}
