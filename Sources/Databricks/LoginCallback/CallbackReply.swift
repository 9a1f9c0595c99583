import Basics
package import LoopbackHTTP

/// How the listener answers one request and whether the flow ends with it: a pure value, so the pages, statuses
/// and the state check are tested without sockets.
package struct CallbackReply: Equatable, Sendable {
  package enum Outcome: Equatable, Sendable {
    /// A probe, a favicon, garbage: answer it and wait for the redirect.
    case keepListening
    /// The redirect arrived (or a broken one carrying this flow's state did): answer it, close the listener and
    /// deliver this.
    case finish(Result<CallbackResult, LoopbackListenerError>)
  }

  package var status: Int
  /// A complete, self-contained HTML document.
  package var page: String
  package var outcome: Outcome

  /// Decides the reply to `request`.
  ///
  /// Any local process can reach the listener, so only the authorization server's answer may end the flow: one that
  /// carries this flow's state. A redirect with another state, or none, or one for another `Host`, gets a 400 page
  /// and the listener keeps waiting for the browser's redirect.
  ///
  /// - Parameters:
  ///   - expectedState: when given, a redirect with another state gets the "State mismatch" page and is ignored;
  ///     neither the page nor anything else shows either state. Without it, the caller compares the state.
  ///   - applicationName: named in "return to …" on the pages.
  package init(for request: CallbackRequest, expectedState: String?, applicationName: String) {
    switch request {
    case .callback(let result):
      if let expectedState, !ConstantTimeEquality.equal(result.state, expectedState) {
        self.init(ignoring: .stateMismatch, applicationName: applicationName)
        return
      }
      switch result {
      case .code:
        self.init(
          status: 200,
          page: CallbackPage.success(applicationName: applicationName),
          outcome: .finish(.success(result))
        )
      case .error(let error, let description, _):
        // 400 as the Go SDK answers an error redirect.
        self.init(
          status: 400,
          page: CallbackPage.failure(error: error, description: description, applicationName: applicationName),
          outcome: .finish(.success(result))
        )
      }
    case .invalidCallback(let reason, let state):
      if let expectedState, !(state.map { ConstantTimeEquality.equal($0, expectedState) } ?? false) {
        self.init(ignoring: .invalidCallback(reason: reason), applicationName: applicationName)
      } else {
        self.init(failure: .invalidCallback(reason: reason), applicationName: applicationName)
      }
    case .wrongHost:
      self.init(status: 400, page: CallbackPage.notTheRedirect("Bad request"), outcome: .keepListening)
    case .notFound:
      self.init(status: 404, page: CallbackPage.notTheRedirect("Not found"), outcome: .keepListening)
    }
  }

  /// The reply to bytes that are not an HTTP/1.x request (a TLS hello, garbage) or that exceed the listener's
  /// limits: 431 for a head too large, 400 for everything else; the listener keeps waiting for the redirect.
  package init(refusing error: HTTPParseError) {
    if error == .headersTooLarge {
      self.init(
        status: 431,
        page: CallbackPage.notTheRedirect("Request header fields too large"),
        outcome: .keepListening
      )
    } else {
      self.init(status: 400, page: CallbackPage.notTheRedirect("Bad request"), outcome: .keepListening)
    }
  }

  /// The reply to a redirect that arrives after the flow already has its answer (an address the user pasted): the
  /// flow goes on with the first one, and this one's code is not used.
  package static func alreadyAnswered(applicationName: String) -> CallbackReply {
    CallbackReply(
      status: 409,
      page: CallbackPage.failure(
        error: "Already answered",
        description: "This login already received its sign-in response, so this one is not used.",
        applicationName: applicationName
      ),
      outcome: .keepListening
    )
  }

  package init(status: Int, page: String, outcome: Outcome) {
    self.status = status
    self.page = page
    self.outcome = outcome
  }

  /// The 400 page for `failure`, ending the flow with it.
  private init(failure: LoopbackListenerError, applicationName: String) {
    self.init(status: 400, page: Self.page(failure, applicationName), outcome: .finish(.failure(failure)))
  }

  /// The 400 page for `failure`, while the listener keeps waiting for the redirect that carries this flow's state.
  private init(ignoring failure: LoopbackListenerError, applicationName: String) {
    self.init(status: 400, page: Self.page(failure, applicationName), outcome: .keepListening)
  }

  private static func page(_ failure: LoopbackListenerError, _ applicationName: String) -> String {
    let (error, detail): (String, String) =
      switch failure {
      case .stateMismatch:
        ("State mismatch", "This sign-in response does not belong to the login that is waiting for it.")
      case .invalidCallback(let reason): ("Invalid sign-in response", "\(reason).")
      default: ("Sign-in failed", failure.description)
      }
    return CallbackPage.failure(error: error, description: detail, applicationName: applicationName)
  }

  /// The HTTP response; the listener sends it with `Connection: close`, as it answers one request per connection.
  ///
  /// The headers keep the page out of caches and history restores (`no-store`), stop it from fetching anything or
  /// passing the code-bearing URL on as a `Referer`, and stop content sniffing.
  package var response: HTTPResponse {
    HTTPResponse(
      status: status,
      headers: [
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
      ],
      body: Array(page.utf8)
    )
  }
}
