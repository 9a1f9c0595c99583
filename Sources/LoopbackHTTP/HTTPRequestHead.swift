import Foundation

/// The request line and header fields of one request, validated, with the framing facts the parser needs.
struct HTTPRequestHead {
  /// The request without its body.
  var request: HTTPRequest
  var contentLength: Int
  var expectsContinue: Bool

  /// Parses a head that ends with its blank line (CRLF or bare LF line ends).
  static func parse(_ bytes: ArraySlice<UInt8>, maxHeaderCount: Int) throws(HTTPParseError) -> HTTPRequestHead {
    var lines = bytes.split(separator: .lineFeed, omittingEmptySubsequences: false).map { line in
      line.last == .carriageReturn ? line.dropLast() : line
    }
    // The head ends with an empty line, and the split leaves one more empty piece after its LF.
    while lines.last?.isEmpty == true { lines.removeLast() }
    guard let requestLine = lines.first else { throw .badRequest("missing request line") }
    let (method, target, minorVersion) = try parseRequestLine(requestLine)
    guard lines.count - 1 <= maxHeaderCount else { throw .headersTooLarge }
    let headers = try parseFields(lines.dropFirst())
    return HTTPRequestHead(
      request: HTTPRequest(method: method, target: target, minorVersion: minorVersion, headers: headers),
      contentLength: try contentLength(headers, minorVersion: minorVersion),
      expectsContinue: headers["Expect"]?.lowercased() == "100-continue"
    )
  }

  private static func parseRequestLine(
    _ line: ArraySlice<UInt8>
  ) throws(HTTPParseError) -> (method: String, target: String, minorVersion: Int) {
    let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard parts.count == 3 else { throw .badRequest("malformed request line") }
    let method = parts[0]
    let target = parts[1]
    let version = String(decoding: parts[2], as: UTF8.self)
    guard !method.isEmpty, method.allSatisfy(isTokenCharacter) else { throw .badRequest("malformed method") }
    // Only origin form (`/path?query`): a loopback server is never a proxy, and no client of it sends `*`.
    guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      throw .badRequest("malformed request target")
    }
    let minorVersion: Int
    switch version {
    case "HTTP/1.1": minorVersion = 1
    case "HTTP/1.0": minorVersion = 0
    default:
      let isHTTPVersion =
        version.count == 8 && version.hasPrefix("HTTP/")
        && version.dropFirst(5).enumerated().allSatisfy { offset, character in
          offset == 1 ? character == "." : character.isASCII && character.isNumber
        }
      throw isHTTPVersion ? .unsupportedVersion : .badRequest("malformed HTTP version")
    }
    return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), minorVersion)
  }

  private static func parseFields(_ lines: ArraySlice<ArraySlice<UInt8>>) throws(HTTPParseError) -> HTTPHeaders {
    var headers = HTTPHeaders()
    for line in lines {
      // A line starting with whitespace is obsolete line folding (RFC 9112 §5.2), which a server may reject.
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), line.first != UInt8(ascii: " "),
        line.first != UInt8(ascii: "\t")
      else { throw .badRequest("malformed header field") }
      let name = line[..<colon]
      let value = line[line.index(after: colon)...]
      // No whitespace between name and colon (RFC 9112 §5.1): it enables request smuggling.
      guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else {
        throw .badRequest("malformed header field name")
      }
      guard value.allSatisfy({ $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }) else {
        throw .badRequest("control character in header field value")
      }
      headers.add(
        String(decoding: name, as: UTF8.self),
        String(decoding: value.trimmingWhitespace(), as: UTF8.self)
      )
    }
    return headers
  }

  /// The body length, after the checks RFC 9112 §6.3 asks of a server that does not take chunked bodies.
  private static func contentLength(_ headers: HTTPHeaders, minorVersion: Int) throws(HTTPParseError) -> Int {
    if minorVersion == 1 && headers.values(for: "Host").count != 1 {
      throw .badRequest("HTTP/1.1 requests need exactly one Host header")
    }
    if !headers.values(for: "Transfer-Encoding").isEmpty { throw .lengthRequired }
    let lengths = headers.values(for: "Content-Length")
      .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
      .map { $0.trimmingCharacters(in: .whitespaces) }
    guard let first = lengths.first else { return 0 }
    guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.allSatisfy({ $0.isASCII && $0.isNumber }),
      let length = Int(first)
    else { throw .badRequest("malformed Content-Length") }
    return length
  }

  /// RFC 9110 §5.6.2 `tchar`.
  private static func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      true
    default:
      Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }
  }
}

extension ArraySlice<UInt8> {
  fileprivate func trimmingWhitespace() -> ArraySlice<UInt8> {
    let isWhitespace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    guard let start = firstIndex(where: { !isWhitespace($0) }), let end = lastIndex(where: { !isWhitespace($0) })
    else { return [] }
    return self[start...end]
  }
}
