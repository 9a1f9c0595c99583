/// What one HTTP request to the loopback listener is, decided from its head alone: a pure value, so the rules can
/// be tested without sockets.
///
/// Only `GET` on the expected path (the redirect URI is `http://localhost:<port>`, so `/`) carrying `code` or
/// `error` is the authorization server's redirect. Everything else a browser or helper sends first (a probe of
/// `/`, `/favicon.ico`, a `HEAD`) is ``notFound`` and the listener keeps waiting, because ending the flow on such a
/// request would make the real redirect fail a moment later. A redirect that is malformed (no `state`, a parameter
/// twice, both `code` and `error`) is ``invalidCallback(reason:)``: it cannot be a correct answer to this flow,
/// and waiting on would only leave the user staring at a spinner until the timeout.
///
/// Query values are decoded as `application/x-www-form-urlencoded` (`+` is a space, `%XX` a byte, UTF-8), as Go's
/// `url.ParseQuery` does for the CLI's callback; parameters other than the four known ones (`iss`,
/// `session_state`, …) are ignored.
///
/// ```swift
/// CallbackRequest.parse(head: Array("GET /?code=c&state=s HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
/// // .callback(.code(code: "c", state: "s"))
/// ```
package enum CallbackRequest: Equatable, Sendable {
  /// A well-formed redirect (its state is not checked here).
  case callback(CallbackResult)
  /// A redirect to the expected path that cannot be a correct one; `reason` names what is wrong, never a value.
  case invalidCallback(reason: String)
  /// Another path or method, or the expected path without `code` and `error`: answer 404, keep listening.
  case notFound
  /// Not an HTTP/1.x request head: answer 400, keep listening.
  case malformed(reason: String)
  /// The head exceeded the reader's cap: answer 431, keep listening.
  case headTooLarge

  /// Parses one complete request head (request line, header fields, blank line; CRLF or bare LF line ends).
  package static func parse(head: some Collection<UInt8>, expectedPath: String = "/") -> CallbackRequest {
    var lines = Array(head).split(separator: lineFeed, omittingEmptySubsequences: false).map { line in
      line.last == carriageReturn ? line.dropLast() : line
    }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    while lines.last?.isEmpty == true { lines.removeLast() }
    guard let requestLine = lines.first else { return .malformed(reason: "missing request line") }
    let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard parts.count == 3 else { return .malformed(reason: "malformed request line") }
    let method = String(decoding: parts[0], as: UTF8.self)
    let target = parts[1]
    let version = String(decoding: parts[2], as: UTF8.self)
    guard !parts[0].isEmpty, parts[0].allSatisfy(isTokenCharacter) else {
      return .malformed(reason: "malformed method")
    }
    guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      return .malformed(reason: "malformed request target")
    }
    guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .malformed(reason: "unsupported HTTP version") }
    var hostCount = 0
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
        line[..<colon].allSatisfy(isTokenCharacter)
      else { return .malformed(reason: "malformed header field") }
      guard line[line.index(after: colon)...].allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
        return .malformed(reason: "control character in header field value")
      }
      if String(decoding: line[..<colon], as: UTF8.self).lowercased() == "host" { hostCount += 1 }
    }
    if version == "HTTP/1.1" && hostCount != 1 {
      return .malformed(reason: "HTTP/1.1 requests need exactly one Host header")
    }

    let questionMark = target.firstIndex(of: UInt8(ascii: "?"))
    let path = String(decoding: target[..<(questionMark ?? target.endIndex)], as: UTF8.self)
    guard method == "GET", path == expectedPath else { return .notFound }
    let query = questionMark.map { target[target.index(after: $0)...] } ?? []
    return callback(fromQuery: query)
  }

  /// The decision for the query of a `GET` on the expected path.
  private static func callback(fromQuery query: ArraySlice<UInt8>) -> CallbackRequest {
    var parameters: [String: String] = [:]
    for piece in query.split(separator: UInt8(ascii: "&")) {
      let equals = piece.firstIndex(of: UInt8(ascii: "="))
      guard let name = formDecode(piece[..<(equals ?? piece.endIndex)]),
        let value = formDecode(equals.map { piece[piece.index(after: $0)...] } ?? [])
      else { return .invalidCallback(reason: "the query is not valid percent-encoded UTF-8") }
      guard ["code", "state", "error", "error_description"].contains(name) else { continue }
      guard parameters.updateValue(value, forKey: name) == nil else {
        return .invalidCallback(reason: "the \(name) parameter appears more than once")
      }
    }
    let code = parameters["code"]
    let error = parameters["error"]
    guard code != nil || error != nil else {
      return parameters.isEmpty ? .notFound : .invalidCallback(reason: "the redirect has neither code nor error")
    }
    guard code == nil || error == nil else { return .invalidCallback(reason: "the redirect has both code and error") }
    guard let state = parameters["state"], !state.isEmpty else {
      return .invalidCallback(reason: "the redirect has no state")
    }
    if let code {
      guard !code.isEmpty else { return .invalidCallback(reason: "the redirect has an empty code") }
      return .callback(.code(code: code, state: state))
    }
    guard let error, !error.isEmpty else { return .invalidCallback(reason: "the redirect has an empty error") }
    let description = parameters["error_description"].flatMap { $0.isEmpty ? nil : $0 }
    return .callback(.error(error: error, description: description, state: state))
  }

  /// `application/x-www-form-urlencoded` decoding of one name or value; `nil` for a bad `%` escape or bytes that
  /// are not UTF-8.
  private static func formDecode(_ encoded: ArraySlice<UInt8>) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(encoded.count)
    var index = encoded.startIndex
    while index < encoded.endIndex {
      let byte = encoded[index]
      if byte == UInt8(ascii: "+") {
        bytes.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%") {
        guard encoded.distance(from: index, to: encoded.endIndex) >= 3,
          let high = hexValue(encoded[index + 1]), let low = hexValue(encoded[index + 2])
        else { return nil }
        bytes.append(high << 4 | low)
        index += 2
      } else {
        bytes.append(byte)
      }
      index += 1
    }
    let string = String(decoding: bytes, as: UTF8.self)
    // Decoding replaces invalid sequences with U+FFFD, so a round trip that changes the bytes means invalid UTF-8.
    return string.utf8.elementsEqual(bytes) ? string : nil
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
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

  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")
}
