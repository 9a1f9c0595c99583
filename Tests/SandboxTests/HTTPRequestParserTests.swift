import Sandbox
import Testing

/// The request parser as a pure value: bytes in, events out, no sockets.
@Suite struct HTTPRequestParserTests {
  private func feed(_ text: String, _ parser: inout HTTPRequestParser) -> [HTTPRequestParser.Event] {
    parser.feed(Array(text.utf8))
  }

  private func events(_ text: String) -> [HTTPRequestParser.Event] {
    var parser = HTTPRequestParser()
    return feed(text, &parser)
  }

  private let post =
    "POST /api/2.0/token/create?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    + "Content-Length: 16\r\n\r\n{\"comment\":\"hi\"}"

  private var expectedPost: HTTPRequest {
    HTTPRequest(
      method: "POST",
      target: "/api/2.0/token/create?x=1",
      headers: ["Host": "127.0.0.1", "Content-Type": "application/json", "Content-Length": "16"],
      body: Array(#"{"comment":"hi"}"#.utf8)
    )
  }

  @Test func parsesARequestWithABody() {
    #expect(events(post) == [.request(expectedPost)])
  }

  @Test func splitAtEveryByteBoundaryGivesTheSameRequest() {
    let bytes = Array(post.utf8)
    for split in 0...bytes.count {
      var parser = HTTPRequestParser()
      let first = parser.feed(bytes[..<split])
      let second = parser.feed(bytes[split...])
      #expect(first + second == [.request(expectedPost)], "split at \(split)")
    }
  }

  @Test func oneByteAtATimeGivesTheSameRequests() {
    var parser = HTTPRequestParser()
    var collected: [HTTPRequestParser.Event] = []
    for byte in Array((post + post).utf8) {
      collected += parser.feed([byte])
    }
    #expect(collected == [.request(expectedPost), .request(expectedPost)])
  }

  @Test func pipelinedRequestsComeOutInOrder() {
    let get = "GET /api/2.0/token/list HTTP/1.1\r\nHost: h\r\n\r\n"
    let output = events(get + post + get)
    #expect(output.count == 3)
    guard case .request(let first) = output[0], case .request(let third) = output[2] else {
      Issue.record("expected requests, got \(output)")
      return
    }
    #expect(first.path == "/api/2.0/token/list")
    #expect(first.body.isEmpty)
    #expect(output[1] == .request(expectedPost))
    #expect(third == first)
  }

  @Test func acceptsBareLineFeedsAndSkipsEmptyLinesBeforeTheRequestLine() {
    let output = events("\r\n\nGET /a HTTP/1.1\nHost: h\n\n")
    #expect(output == [.request(HTTPRequest(method: "GET", target: "/a", headers: ["Host": "h"]))])
  }

  @Test func trimsHeaderValuesAndLooksNamesUpIgnoringCase() throws {
    let output = events("GET /a HTTP/1.1\r\nhOsT:   h  \r\nX-Empty:\r\n\r\n")
    guard case .request(let request) = try #require(output.first) else {
      Issue.record("expected a request")
      return
    }
    #expect(request.headers["HOST"] == "h")
    #expect(request.headers["x-empty"] == "")
    #expect(request.headers["Missing"] == nil)
  }

  @Test func decodesQueryParameters() {
    let request = HTTPRequest(method: "GET", target: "/t?created_by_username=a%40b.example&keys=x,y&plus=a+b&flag")
    #expect(request.path == "/t")
    #expect(request.query == ["created_by_username": "a@b.example", "keys": "x,y", "plus": "a b", "flag": ""])
  }

  @Test(arguments: [
    "GET\r\n\r\n",
    "GET /\r\n\r\n",
    "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
    "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
    "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET foo HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET / FOO/1.1\r\nHost: h\r\n\r\n",
    "GET / http/1.1\r\nHost: h\r\n\r\n",
    "GET / HTTP/1.1\rHost: h\r\n\r\n",
    "\u{1}GET / HTTP/1.1\r\nHost: h\r\n\r\n",
  ])
  func malformedRequestLinesAreBadRequests(text: String) throws {
    let output = events(text)
    #expect(output.count == 1)
    guard case .failure(let error) = try #require(output.first) else {
      Issue.record("expected a failure, got \(output)")
      return
    }
    #expect(error.status == 400)
  }

  @Test(arguments: [
    "GET / HTTP/1.1\r\nHost h\r\n\r\n",
    "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
    "GET / HTTP/1.1\r\n: h\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: h\u{0}\r\n\r\n",
    "GET / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nab",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
  ])
  func malformedFieldsAreBadRequests(text: String) {
    #expect(events(text).map(\.status) == [400])
  }

  @Test func identicalContentLengthsAreAccepted() {
    let output = events("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
    #expect(output.count == 1)
    guard case .request(let request) = output.first else {
      Issue.record("expected a request, got \(output)")
      return
    }
    #expect(request.body == Array("ok".utf8))
  }

  @Test func http10NeedsNoHostAndOtherVersionsAreRefused() {
    #expect(events("GET /a HTTP/1.0\r\n\r\n") == [.request(HTTPRequest(method: "GET", target: "/a", minorVersion: 0))])
    #expect(events("GET /a HTTP/2.0\r\nHost: h\r\n\r\n") == [.failure(.unsupportedVersion)])
    #expect(events("GET /a HTTP/2.0\r\nHost: h\r\n\r\n").map(\.status) == [505])
  }

  @Test func headersOverTheCapAre431EvenBeforeTheyEnd() {
    var parser = HTTPRequestParser(maxHeaderBytes: 64)
    #expect(feed("GET / HTTP/1.1\r\nHost: h\r\nX-Long: ", &parser) == [])
    #expect(feed(String(repeating: "a", count: 40), &parser) == [.failure(.headersTooLarge)])
    #expect(feed("\r\n\r\n", &parser) == [], "a failed parser ignores further input")
  }

  @Test func aHeadOfExactlyTheCapIsAccepted() {
    let head = "GET / HTTP/1.1\r\nHost: h\r\nX: "
    let padding = String(repeating: "a", count: 64 - head.utf8.count - 4)
    let text = head + padding + "\r\n\r\n"
    #expect(text.utf8.count == 64)
    var atCap = HTTPRequestParser(maxHeaderBytes: 64)
    #expect(feed(text, &atCap).map(\.status) == [200])
    var belowCap = HTTPRequestParser(maxHeaderBytes: 63)
    #expect(feed(text, &belowCap) == [.failure(.headersTooLarge)])
  }

  @Test func hugeHeadersWithTheDefaultCapAre431() {
    let text = "GET / HTTP/1.1\r\nHost: h\r\nCookie: " + String(repeating: "c", count: 20_000) + "\r\n\r\n"
    #expect(events(text) == [.failure(.headersTooLarge)])
    #expect(HTTPParseError.headersTooLarge.status == 431)
  }

  @Test func bodiesOverTheCapAre413() {
    var parser = HTTPRequestParser(maxBodyBytes: 10)
    #expect(feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", &parser) == [.failure(.bodyTooLarge)])
    #expect(HTTPParseError.bodyTooLarge.status == 413)
  }

  @Test func chunkedBodiesAreRefusedWithLengthRequired() {
    let text = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
    #expect(events(text) == [.failure(.lengthRequired)])
    #expect(HTTPParseError.lengthRequired.status == 411)
  }

  @Test func expectContinueIsAnnouncedOnlyWhileTheBodyIsMissing() {
    let head = "POST /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
    var parser = HTTPRequestParser()
    #expect(feed(head, &parser) == [.continueExpected])
    let output = feed("ok", &parser)
    #expect(output.count == 1)
    guard case .request(let request) = output.first else {
      Issue.record("expected a request, got \(output)")
      return
    }
    #expect(request.body == Array("ok".utf8))
    #expect(events(head + "ok").count == 1, "no 100 Continue when the body came with the head")
  }

  @Test func keepAliveFollowsVersionAndConnectionHeader() {
    #expect(HTTPRequest(method: "GET", target: "/").keepsConnectionAlive)
    #expect(!HTTPRequest(method: "GET", target: "/", headers: ["Connection": "Close"]).keepsConnectionAlive)
    #expect(!HTTPRequest(method: "GET", target: "/", headers: ["Connection": "foo, close"]).keepsConnectionAlive)
    #expect(!HTTPRequest(method: "GET", target: "/", minorVersion: 0).keepsConnectionAlive)
    #expect(
      HTTPRequest(method: "GET", target: "/", minorVersion: 0, headers: ["Connection": "keep-alive"])
        .keepsConnectionAlive
    )
  }
}

extension HTTPRequestParser.Event {
  /// 200 for a parsed request, the error's status for a failure, 100 for `continueExpected`: handy for tables.
  fileprivate var status: Int {
    switch self {
    case .request: 200
    case .continueExpected: 100
    case .failure(let error): error.status
    }
  }
}
