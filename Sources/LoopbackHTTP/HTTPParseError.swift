/// Why ``HTTPRequestParser`` gave up on a connection, and the status the server answers before closing it.
package enum HTTPParseError: Error, Sendable, Equatable {
  /// A malformed request line, header field or `Content-Length`, or a missing `Host` on HTTP/1.1.
  case badRequest(String)
  /// The request line and header fields together exceed the parser's cap.
  case headersTooLarge
  /// `Content-Length` exceeds the parser's body cap.
  case bodyTooLarge
  /// A `Transfer-Encoding` body (chunked): the server only takes bodies framed by `Content-Length`.
  case lengthRequired
  /// A version other than HTTP/1.0 or HTTP/1.1.
  case unsupportedVersion

  package var status: Int {
    switch self {
    case .badRequest: 400
    case .headersTooLarge: 431
    case .bodyTooLarge: 413
    case .lengthRequired: 411
    case .unsupportedVersion: 505
    }
  }

  /// A short human explanation for the plain-text error body.
  package var reason: String {
    switch self {
    case .badRequest(let detail): detail
    case .headersTooLarge: "request header fields too large"
    case .bodyTooLarge: "request body too large"
    case .lengthRequired: "bodies must be sent with Content-Length; Transfer-Encoding is not supported"
    case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are supported"
    }
  }
}
