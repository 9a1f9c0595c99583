package import LoopbackHTTP

/// What one HTTP request to the loopback listener is: a pure value, so the rules can be tested without sockets.
///
/// Only `GET` on the expected path (the redirect URI is `http://localhost:<port>`, so `/`) carrying `code` or
/// `error` is the authorization server's redirect. Everything else a browser or helper sends first (a probe of
/// `/`, `/favicon.ico`, a `HEAD`) is ``notFound`` and the listener keeps waiting, because ending the flow on such a
/// request would make the real redirect fail a moment later. A redirect that is malformed (no `state`, a parameter
/// twice, both `code` and `error`) is ``invalidCallback(reason:)``: it cannot be a correct answer to this flow,
/// and waiting on would only leave the user staring at a spinner until the timeout. Requests that are not HTTP at
/// all never get here: the server answers them (see ``CallbackReply/init(refusing:)``).
///
/// Query values are decoded as `application/x-www-form-urlencoded` (`+` is a space, `%XX` a byte, UTF-8), as Go's
/// `url.ParseQuery` does for the CLI's callback; parameters other than the four known ones (`iss`,
/// `session_state`, …) are ignored.
///
/// ```swift
/// CallbackRequest(HTTPRequest(method: "GET", target: "/?code=c&state=s"))
/// // .callback(.code(code: "c", state: "s"))
/// ```
package enum CallbackRequest: Equatable, Sendable {
  /// A well-formed redirect (its state is not checked here).
  case callback(CallbackResult)
  /// A redirect to the expected path that cannot be a correct one; `reason` names what is wrong, never a value.
  case invalidCallback(reason: String)
  /// Another path or method, or the expected path without `code` and `error`: answer 404, keep listening.
  case notFound

  /// Decides what `request` is; the redirect URI's path is `expectedPath`.
  package init(_ request: HTTPRequest, expectedPath: String = "/") {
    guard request.method == "GET", request.path == expectedPath else {
      self = .notFound
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
      return .invalidCallback(reason: "the query is not valid percent-encoded UTF-8")
    }
    var parameters: [String: String] = [:]
    for field in form.fields where ["code", "state", "error", "error_description"].contains(field.name) {
      guard parameters.updateValue(field.value, forKey: field.name) == nil else {
        return .invalidCallback(reason: "the \(field.name) parameter appears more than once")
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
}
