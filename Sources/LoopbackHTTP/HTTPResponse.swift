/// A response the server writes whole; it always carries an exact `Content-Length`.
package struct HTTPResponse: Sendable, Equatable {
  package var status: Int
  package var headers: HTTPHeaders
  package var body: [UInt8]
  /// Where `body` may be cut when the reply sends it in parts (``HTTPReply/partPauseSeconds``): ascending offsets
  /// into `body`, each the end of one part. Empty: the body is one part.
  package var bodyPartEnds: [Int]

  package init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], bodyPartEnds: [Int] = []) {
    self.status = status
    self.headers = headers
    self.body = body
    self.bodyPartEnds = bodyPartEnds
  }

  /// A plain-text body, for errors below the handler's routes (malformed HTTP).
  package static func text(_ text: String, status: Int) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
  }

  /// The bytes on the wire. `Content-Length` is computed here rather than trusted from `headers`, and
  /// `Connection: close` is added when the server is about to close, so the client never waits for more.
  ///
  /// 1xx and 204 responses have no body and must not carry `Content-Length` (RFC 9110 §8.6). An answer to `HEAD`
  /// (`omittingBody`) keeps the length of the body it leaves out, so the client knows where the next answer starts.
  package func serialized(closingConnection: Bool, omittingBody: Bool = false) -> [UInt8] {
    let hasBody = status >= 200 && status != 204
    return serializedHead(contentLength: hasBody ? body.count : nil, closingConnection: closingConnection)
      + (hasBody && !omittingBody ? body : [])
  }

  /// The status line and headers, with `Content-Length` only when given: without it (and with the connection
  /// closing) the body runs until the connection ends.
  package func serializedHead(contentLength: Int?, closingConnection: Bool) -> [UInt8] {
    var headers = self.headers
    headers.remove("Content-Length")
    if let contentLength { headers.add("Content-Length", String(contentLength)) }
    if closingConnection { headers.set("Connection", "close") }
    var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
    for field in headers.fields {
      head += "\(field.name): \(field.value)\r\n"
    }
    head += "\r\n"
    return Array(head.utf8)
  }

  package static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: "Continue"
    case 200: "OK"
    case 204: "No Content"
    case 302: "Found"
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 409: "Conflict"
    case 411: "Length Required"
    case 413: "Content Too Large"
    case 429: "Too Many Requests"
    case 431: "Request Header Fields Too Large"
    case 500: "Internal Server Error"
    case 501: "Not Implemented"
    case 502: "Bad Gateway"
    case 503: "Service Unavailable"
    case 504: "Gateway Timeout"
    case 505: "HTTP Version Not Supported"
    default: "Status \(status)"
    }
  }
}
