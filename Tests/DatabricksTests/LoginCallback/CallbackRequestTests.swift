import Databricks
import LoopbackHTTP
import Testing

@Suite struct CallbackRequestTests {
  private func parse(_ target: String, method: String = "GET", path: String = "/") -> CallbackRequest? {
    parse(head: "\(method) \(target) HTTP/1.1\r\nHost: localhost:8020\r\nAccept: */*\r\n\r\n", path: path)
  }

  /// The decision for one request head, read by the listener's HTTP parser as the listener reads it; `nil` when the
  /// parser does not produce exactly one request from it.
  private func parse(head: String, path: String = "/") -> CallbackRequest? {
    var parser = HTTPRequestParser()
    guard case .request(let request)? = parser.feed(Array(head.utf8)).first else { return nil }
    return CallbackRequest(request, expectedHost: "localhost:8020", expectedPath: path)
  }

  @Test func takesACodeRedirect() {
    #expect(parse("/?code=abc-123_~.&state=xyz") == .callback(.code(code: "abc-123_~.", state: "xyz")))
    // Other parameters (RFC 9207 `iss`, Azure's `session_state`) are ignored, in any order.
    #expect(
      parse("/?state=xyz&iss=https%3A%2F%2Fhost&code=abc&session_state=1")
        == .callback(.code(code: "abc", state: "xyz"))
    )
  }

  @Test func takesAnErrorRedirect() {
    #expect(
      parse("/?error=access_denied&error_description=The+user+said+%22no%22%21&state=s")
        == .callback(.error(error: "access_denied", description: "The user said \"no\"!", state: "s"))
    )
    #expect(
      parse("/?error=server_error&state=s") == .callback(.error(error: "server_error", description: nil, state: "s"))
    )
    #expect(
      parse("/?error=x&error_description=&state=s") == .callback(.error(error: "x", description: nil, state: "s"))
    )
  }

  @Test func decodesPercentEncodingAsAForm() {
    #expect(
      parse("/?code=a%2Bb%2Fc%3D%3D&state=%E2%9C%93+ok")
        == .callback(.code(code: "a+b/c==", state: "✓ ok"))
    )
    #expect(parse("/?code=a+b&state=s") == .callback(.code(code: "a b", state: "s")))
    #expect(parse("/?c%6Fde=x&state=s") == .callback(.code(code: "x", state: "s")), "names are decoded too")
    #expect(parse("/?code=x&&state=s&") == .callback(.code(code: "x", state: "s")), "empty pieces are skipped")
  }

  @Test func refusesBrokenEncoding() {
    for target in ["/?code=%zz&state=s", "/?code=%4&state=s", "/?code=x&state=%", "/?code=%FF&state=s"] {
      #expect(
        parse(target) == .invalidCallback(reason: "the query is not valid percent-encoded UTF-8", state: nil),
        "\(target)"
      )
    }
  }

  @Test func refusesMalformedRedirects() {
    #expect(parse("/?code=x") == .invalidCallback(reason: "the redirect has no state", state: nil))
    #expect(parse("/?code=x&state=") == .invalidCallback(reason: "the redirect has no state", state: nil))
    #expect(parse("/?error=e") == .invalidCallback(reason: "the redirect has no state", state: nil))
    #expect(parse("/?code=&state=s") == .invalidCallback(reason: "the redirect has an empty code", state: "s"))
    #expect(parse("/?error=&state=s") == .invalidCallback(reason: "the redirect has an empty error", state: "s"))
    #expect(
      parse("/?code=x&error=e&state=s") == .invalidCallback(reason: "the redirect has both code and error", state: "s")
    )
    #expect(parse("/?state=s") == .invalidCallback(reason: "the redirect has neither code nor error", state: "s"))
    #expect(
      parse("/?error_description=d") == .invalidCallback(reason: "the redirect has neither code nor error", state: nil)
    )
  }

  @Test func refusesDuplicateParametersWithoutShowingValues() throws {
    for name in ["code", "state", "error", "error_description"] {
      let request = try #require(parse("/?\(name)=secret1&code=c&state=s&\(name)=secret2"))
      let state = name == "state" ? nil : "s"
      #expect(request == .invalidCallback(reason: "the \(name) parameter appears more than once", state: state))
      #expect(!"\(request)".contains("secret"))
    }
    #expect(parse("/?code=x&state=s&iss=a&iss=b") == .callback(.code(code: "x", state: "s")))
  }

  /// The browser follows `http://localhost:<port>` and sends exactly that authority; anything else is not the
  /// redirect the browser made (DNS rebinding, or a local client), whatever it carries.
  @Test func takesTheRedirectOnlyUnderTheRedirectURIsHost() {
    let redirect = "GET /?code=c&state=s HTTP/1.1\r\n"
    #expect(parse(head: redirect + "Host: LOCALHOST:8020\r\n\r\n") == .callback(.code(code: "c", state: "s")))
    for host in ["evil.example:8020", "127.0.0.1:8020", "localhost:8021", "localhost", "localhost:8020.evil", ""] {
      #expect(parse(head: redirect + "Host: \(host)\r\n\r\n") == .wrongHost, "\(host)")
    }
    #expect(parse(head: "GET /?code=c&state=s HTTP/1.0\r\n\r\n") == .wrongHost, "no Host at all")
    #expect(
      parse(head: "GET /?code=c&state=s HTTP/1.0\r\nHost: localhost:8020\r\nHost: localhost:8020\r\n\r\n") == .wrongHost
    )
    #expect(parse(head: "GET /favicon.ico HTTP/1.1\r\nHost: evil.example\r\n\r\n") == .notFound)
  }

  @Test func leavesEverythingElseToA404() {
    #expect(parse("/favicon.ico") == .notFound)
    #expect(parse("/") == .notFound, "a probe of the root")
    #expect(parse("/?") == .notFound)
    #expect(parse("/?utm=1") == .notFound)
    #expect(parse("/callback?code=x&state=s") == .notFound, "another path")
    #expect(parse("//?code=x&state=s") == .notFound)
    #expect(parse("/?code=x&state=s", method: "POST") == .notFound)
    #expect(parse("/?code=x&state=s", method: "HEAD") == .notFound)
    #expect(parse("/?code=x&state=s", method: "get") == .notFound, "methods are case-sensitive")
  }

  @Test func honoursAnotherExpectedPath() {
    #expect(parse("/cb?code=x&state=s", path: "/cb") == .callback(.code(code: "x", state: "s")))
    #expect(parse("/?code=x&state=s", path: "/cb") == .notFound)
  }

  @Test func acceptsHTTP10AndBareLineFeeds() {
    #expect(
      parse(head: "GET /?code=x&state=s HTTP/1.0\nHost: localhost:8020\n\n") == .callback(.code(code: "x", state: "s"))
    )
    #expect(
      parse(head: "GET /?code=x&state=s HTTP/1.1\nHost: localhost:8020\nX-Tab:\ta\tb\n\n")
        == .callback(.code(code: "x", state: "s"))
    )
  }

  @Test func descriptionsRedactSecrets() {
    let code = CallbackResult.code(code: "the-code", state: "the-state")
    let error = CallbackResult.error(error: "access_denied", description: "no", state: "the-state")
    for text in ["\(code)", String(describing: code), String(reflecting: code), "\(error)", String(reflecting: error)] {
      #expect(!text.contains("the-code") && !text.contains("the-state"), "\(text)")
    }
    #expect("\(error)".contains("access_denied"))
    #expect(code.state == "the-state")
    #expect(error.state == "the-state")
  }
}
