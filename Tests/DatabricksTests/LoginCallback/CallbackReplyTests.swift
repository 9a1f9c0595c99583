import Databricks
import Foundation
import LoopbackHTTP
import Testing

@Suite struct CallbackReplyTests {
  private func reply(_ request: CallbackRequest, expectedState: String? = "the-state") -> CallbackReply {
    CallbackReply(for: request, expectedState: expectedState, applicationName: "Test <App>")
  }

  @Test func answersACodeWithTheSuccessPage() {
    let result = CallbackResult.code(code: "the-code", state: "the-state")
    let answer = reply(.callback(result))
    #expect(answer.status == 200)
    #expect(answer.outcome == .finish(.success(result)))
    #expect(answer.page.contains("You can close this tab and return to Test &lt;App&gt;."))
    #expect(!answer.page.contains("the-code") && !answer.page.contains("the-state"))
  }

  @Test func answersAnErrorWithTheEscapedError() {
    let result = CallbackResult.error(
      error: "access_denied",
      description: "<script>alert('x')</script> & \"more\"",
      state: "the-state"
    )
    let answer = reply(.callback(result))
    #expect(answer.status == 400)
    #expect(answer.outcome == .finish(.success(result)), "an error redirect is a result: the caller words it")
    #expect(answer.page.contains("access_denied"))
    #expect(answer.page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"))
    #expect(!answer.page.contains("<script>"))
    #expect(!answer.page.contains("the-state"))
  }

  @Test func ignoresAnotherStateWithoutShowingEither() {
    for result in [
      CallbackResult.code(code: "the-code", state: "forged-state"),
      .error(error: "access_denied", description: nil, state: "forged-state"),
      .code(code: "the-code", state: "the-stat"),
      .code(code: "the-code", state: "the-state2"),
    ] {
      let answer = reply(.callback(result))
      #expect(answer.status == 400)
      #expect(answer.outcome == .keepListening, "any local process can send it: only the real redirect ends the flow")
      #expect(answer.page.contains("State mismatch"))
      for secret in ["the-code", "the-state", "forged-state", "the-stat"] { #expect(!answer.page.contains(secret)) }
    }
    let unchecked = CallbackResult.code(code: "c", state: "anything")
    #expect(reply(.callback(unchecked), expectedState: nil).outcome == .finish(.success(unchecked)))
  }

  /// Only the authorization server knows the state: a malformed redirect carrying it ends the flow; one without it,
  /// or with another, could come from anyone and is ignored.
  @Test func endsTheFlowOnAnInvalidRedirectOnlyWithItsState() {
    let answer = reply(.invalidCallback(reason: "the redirect has both code and error", state: "the-state"))
    #expect(answer.status == 400)
    #expect(answer.outcome == .finish(.failure(.invalidCallback(reason: "the redirect has both code and error"))))
    #expect(answer.page.contains("the redirect has both code and error."))
    for state in [nil, "forged-state", "the-stat"] {
      let ignored = reply(.invalidCallback(reason: "the redirect has no state", state: state))
      #expect(ignored.status == 400)
      #expect(ignored.outcome == .keepListening)
      #expect(ignored.page.contains("the redirect has no state."))
    }
    let unchecked = reply(.invalidCallback(reason: "the redirect has no state", state: nil), expectedState: nil)
    #expect(unchecked.outcome == .finish(.failure(.invalidCallback(reason: "the redirect has no state"))))
  }

  @Test func ignoresARedirectForAnotherHost() {
    #expect(reply(.wrongHost).status == 400)
    #expect(reply(.wrongHost).outcome == .keepListening)
  }

  @Test func keepsListeningOnEverythingElse() {
    #expect(reply(.notFound).status == 404)
    #expect(reply(.notFound).outcome == .keepListening)
    #expect(CallbackReply(refusing: .badRequest("x")).status == 400)
    #expect(CallbackReply(refusing: .headersTooLarge).status == 431)
    // Whatever else a parser refuses (a TLS hello, HTTP/2, a body) is a bad request to the listener.
    for error in [HTTPParseError.unsupportedVersion, .lengthRequired, .bodyTooLarge] {
      #expect(CallbackReply(refusing: error).status == 400)
    }
    for error in [HTTPParseError.badRequest("x"), .headersTooLarge, .unsupportedVersion, .lengthRequired] {
      #expect(CallbackReply(refusing: error).outcome == .keepListening)
    }
  }

  @Test func serializesASelfContainedClosingResponse() throws {
    let answer = reply(.callback(.code(code: "c", state: "the-state")))
    let text = String(decoding: answer.response.serialized(closingConnection: true), as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    let head = try #require(parts.first)
    let body = parts.dropFirst().joined(separator: "\r\n\r\n")
    #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
    for field in [
      "Content-Type: text/html; charset=utf-8", "Content-Length: \(body.utf8.count)", "Cache-Control: no-store",
      "Referrer-Policy: no-referrer", "Connection: close", "X-Content-Type-Options: nosniff",
      "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'",
    ] {
      #expect(head.contains("\r\n\(field)"), "\(field)")
    }
    #expect(body == answer.page)
    #expect(!body.contains("http"), "no external resources")
    let tooLarge = CallbackReply(refusing: .headersTooLarge).response.serialized(closingConnection: true)
    #expect(String(decoding: tooLarge, as: UTF8.self).hasPrefix("HTTP/1.1 431 "))
    let notFound = reply(.notFound).response.serialized(closingConnection: true)
    #expect(String(decoding: notFound, as: UTF8.self).hasPrefix("HTTP/1.1 404 Not Found\r\n"))
  }

  @Test func escapesHTML() {
    #expect(CallbackPage.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(CallbackPage.escape("plain ✓") == "plain ✓")
  }

  @Test func errorMessagesCarryNoValues() {
    let errors: [LoopbackListenerError] = [
      .stateMismatch, .invalidCallback(reason: "the redirect has no state"), .closed,
      .noPortAvailable(ports: 8020...8040), .socketFailed(call: "bind", reason: "Permission denied"),
    ]
    #expect(LoopbackListenerError.noPortAvailable(ports: 8020...8040).description.contains("8020-8040"))
    #expect(LoopbackListenerError.stateMismatch.description.contains("state mismatch"))
    #expect(Set(errors.map(\.description)).count == errors.count)
  }
}
