import LoopbackHTTP

/// The address a browser ended on after consent, pasted by the user when that browser runs on another machine (an
/// SSH host's user on their laptop, a dev container, WSL): the authorization server redirected it to
/// `http://localhost:<port>/?code=…&state=…`, which does not load there but shows in the address bar.
///
/// A pure value: it accepts only what that redirect can be, and then reads the query exactly as the listener reads
/// the browser's request (``CallbackRequest``), so a paste and a redirect are judged by the same rules. Accepted:
/// surrounding whitespace (a copy often brings a newline), `http://` in any case, the host `localhost` or
/// `127.0.0.1`, the login's own port and path (or no path, as the redirect URI has none). Anything else is refused
/// without looking further: another scheme or host, user info, another or no port, a fragment, a space, control or
/// non-ASCII byte, or more than ``maximumBytes``. The state is checked by the listener, which knows it.
///
/// ```swift
/// try PastedRedirect("http://localhost:8020/?code=c&state=s", port: 8020).result  // .code(code: "c", state: "s")
/// ```
package struct PastedRedirect: Equatable, Sendable {
  /// The longest address looked at: a redirect carries a code and a state of a few hundred bytes at most.
  package static let maximumBytes = 16 * 1024

  /// The authorization response the address carries (its state not yet checked).
  package var result: CallbackResult

  /// - Parameters:
  ///   - port: the login's listener port, which the address must name.
  ///   - expectedPath: the redirect URI's path; `/` for `http://localhost:<port>`.
  package init(_ address: String, port: UInt16, expectedPath: String = "/") throws(RedirectPasteRefusal) {
    func refuse(_ reason: String) -> RedirectPasteRefusal { .notTheRedirect(reason: reason) }
    guard address.utf8.count <= Self.maximumBytes else { throw refuse("it is longer than \(Self.maximumBytes) bytes") }
    let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
    var bytes = ArraySlice(address.utf8).drop { whitespace.contains($0) }
    while let last = bytes.last, whitespace.contains(last) { bytes = bytes.dropLast() }
    guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
      throw refuse("it contains a space, a control character or a non-ASCII character")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let scheme = "http://"
    guard text.lowercased().hasPrefix(scheme) else { throw refuse("it does not start with http://") }
    let afterScheme = text.dropFirst(scheme.count)
    let authority = afterScheme.prefix { !"/?#".contains($0) }
    let rest = afterScheme.dropFirst(authority.count)
    guard let colon = authority.lastIndex(of: ":"), !authority.contains("@") else {
      throw refuse("its host must be localhost:\(port) or 127.0.0.1:\(port)")
    }
    guard ["localhost", "127.0.0.1"].contains(authority[..<colon].lowercased()) else {
      throw refuse("its host is not localhost or 127.0.0.1")
    }
    let portText = authority[authority.index(after: colon)...]
    guard portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), UInt16(portText) == port else {
      throw refuse("its port is not \(port), where this login listens")
    }
    guard !rest.contains("#") else { throw refuse("it has a fragment (#…)") }
    let path = rest.prefix { $0 != "?" }
    guard path.isEmpty || path == expectedPath else { throw refuse("its path is not the redirect's (\(expectedPath))") }
    let host = "localhost:\(port)"
    let request = HTTPRequest(
      method: "GET",
      target: expectedPath + rest.dropFirst(path.count),
      headers: ["Host": host]
    )
    switch CallbackRequest(request, expectedHost: host, expectedPath: expectedPath) {
    case .callback(let result): self.result = result
    case .invalidCallback(let reason, _): throw refuse(reason)
    case .notFound, .wrongHost: throw refuse("it carries neither a code nor an error")
    }
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
