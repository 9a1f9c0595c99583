package import LoopbackHTTP

/// What one HTTP request to the loopback listener is: a pure value, so the rules can be tested without sockets.
///
/// Only `GET` on the expected path (the redirect URI is `http://localhost:<port>`, so `/`) carrying `code` or
/// `error` is the authorization server's redirect. Everything else a browser or helper sends first (a probe of
/// `/`, `/favicon.ico`, a `HEAD`) is ``notFound`` and the listener keeps waiting, because ending the flow on such a
/// request would make the real redirect fail a moment later. A redirect whose `Host` is not the redirect URI's
/// (`localhost:<port>`, which a browser following that URI always sends, whatever address `localhost` resolved to)
/// is ``wrongHost``: a page elsewhere that got the browser to send it under another name (DNS rebinding), or a
/// client that is not following the redirect. A redirect that is malformed (no `state`, a parameter twice, both
/// `code` and `error`) is ``invalidCallback(reason:state:)``: whether it may end the flow depends on the state it
/// carries (see ``CallbackReply``). Requests that are not HTTP at all never get here: the server answers them (see
/// ``CallbackReply/init(refusing:)``).
///
/// Query values are decoded as `application/x-www-form-urlencoded` (`+` is a space, `%XX` a byte, UTF-8), as Go's
/// `url.ParseQuery` does for the CLI's callback; parameters other than the four known ones (`iss`,
/// `session_state`, …) are ignored.
///
/// ```swift
/// CallbackRequest(HTTPRequest(method: "GET", target: "/?code=c&state=s", headers: ["Host": "localhost:8020"]),
///   expectedHost: "localhost:8020")
/// // .callback(.code(code: "c", state: "s"))
/// ```
package enum CallbackRequest: Equatable, Sendable {
  /// A well-formed redirect (its state is not checked here).
  case callback(CallbackResult)
  /// A redirect to the expected path that cannot be a correct one; `reason` names what is wrong, never a value.
  /// `state` is the state it carries, when it carries exactly one that is not empty.
  case invalidCallback(reason: String, state: String?)
  /// A `GET` of the expected path whose `Host` is missing or not the redirect URI's.
  case wrongHost
  /// Another path or method, or the expected path without `code` and `error`: answer 404, keep listening.
  case notFound

  /// Decides what `request` is; the redirect URI's authority is `expectedHost` (`localhost:<port>`) and its path
  /// `expectedPath`.
  package init(_ request: HTTPRequest, expectedHost: String, expectedPath: String = "/") {
    guard request.method == "GET", request.path == expectedPath else {
      self = .notFound
      return
    }
    // Host names ignore ASCII case; nothing else about the authority may differ.
    let hosts = request.headers.values(for: "Host")
    guard hosts.count == 1,
      hosts[0].utf8.elementsEqual(expectedHost.utf8, by: { Self.lowercased($0) == Self.lowercased($1) })
    else {
      self = .wrongHost
      return
    }
    let query = request.target.utf8.drop { $0 != UInt8(ascii: "?") }.dropFirst()
    self = Self.callback(fromQuery: query)
  }

  /// The decision for the query of a `GET` on the expected path.
  private static func callback(fromQuery query: some Sequence<UInt8>) -> CallbackRequest {
    let form: FormURLEncoding
    do throws(FormURLEncoding.Malformed) {
      form = try FormURLEncoding(parsing: query)
    } catch {
      return .invalidCallback(reason: "the query is not valid percent-encoded UTF-8", state: nil)
    }
    let names = ["code", "state", "error", "error_description"]
    var parameters: [String: [String]] = [:]
    for field in form.fields where names.contains(field.name) {
      parameters[field.name, default: []].append(field.value)
    }
    let states = parameters["state"] ?? []
    let carriedState = states.count == 1 && !states[0].isEmpty ? states[0] : nil
    func invalid(_ reason: String) -> CallbackRequest { .invalidCallback(reason: reason, state: carriedState) }
    if let repeated = names.first(where: { (parameters[$0]?.count ?? 0) > 1 }) {
      return invalid("the \(repeated) parameter appears more than once")
    }
    let code = parameters["code"]?.first
    let error = parameters["error"]?.first
    guard code != nil || error != nil else {
      return parameters.isEmpty ? .notFound : invalid("the redirect has neither code nor error")
    }
    guard code == nil || error == nil else { return invalid("the redirect has both code and error") }
    guard let state = carriedState else { return invalid("the redirect has no state") }
    if let code {
      guard !code.isEmpty else { return invalid("the redirect has an empty code") }
      return .callback(.code(code: code, state: state))
    }
    guard let error, !error.isEmpty else { return invalid("the redirect has an empty error") }
    let description = parameters["error_description"]?.first.flatMap { $0.isEmpty ? nil : $0 }
    return .callback(.error(error: error, description: description, state: state))
  }

  private static func lowercased(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
  }
}
