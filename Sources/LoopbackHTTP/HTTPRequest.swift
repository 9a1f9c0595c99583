import Foundation

/// One complete HTTP/1.x request as ``HTTPRequestParser`` produced it.
package struct HTTPRequest: Sendable, Equatable {
  package var method: String
  /// The request target in origin form, e.g. `/api/2.0/token/list?x=1` (still percent-encoded).
  package var target: String
  /// The minor version of HTTP/1.x: 0 or 1.
  package var minorVersion: Int
  package var headers: HTTPHeaders
  package var body: [UInt8]

  package init(method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders = [:], body: [UInt8] = []) {
    self.method = method
    self.target = target
    self.minorVersion = minorVersion
    self.headers = headers
    self.body = body
  }

  /// The target without its query string.
  package var path: String {
    String(target.prefix { $0 != "?" })
  }

  /// The decoded query parameters (`+` is a space); a repeated name keeps its last value.
  package var query: [String: String] {
    guard let mark = target.firstIndex(of: "?") else { return [:] }
    var items: [String: String] = [:]
    for pair in target[target.index(after: mark)...].split(separator: "&") where !pair.isEmpty {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = Self.decodeQueryComponent(parts[0])
      items[name] = parts.count > 1 ? Self.decodeQueryComponent(parts[1]) : ""
    }
    return items
  }

  /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
  ///
  /// HTTP/1.1 is persistent unless the client says `close`; HTTP/1.0 only when it asks for `keep-alive`.
  package var keepsConnectionAlive: Bool {
    let tokens = headers.values(for: "Connection")
      .flatMap { $0.split(separator: ",") }
      .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    if tokens.contains("close") { return false }
    return minorVersion >= 1 || tokens.contains("keep-alive")
  }

  private static func decodeQueryComponent(_ component: Substring) -> String {
    let spaced = component.replacingOccurrences(of: "+", with: " ")
    return spaced.removingPercentEncoding ?? spaced
  }
}
