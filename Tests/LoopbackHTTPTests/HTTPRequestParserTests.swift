import LoopbackHTTP
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
    var parser = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 64))
    #expect(feed("GET / HTTP/1.1\r\nHost: h\r\nX-Long: ", &parser) == [])
    #expect(feed(String(repeating: "a", count: 40), &parser) == [.failure(.headersTooLarge)])
    #expect(feed("\r\n\r\n", &parser) == [], "a failed parser ignores further input")
  }

  @Test func aHeadOfExactlyTheCapIsAccepted() {
    let head = "GET / HTTP/1.1\r\nHost: h\r\nX: "
    let padding = String(repeating: "a", count: 64 - head.utf8.count - 4)
    let text = head + padding + "\r\n\r\n"
    #expect(text.utf8.count == 64)
    var atCap = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 64))
    #expect(feed(text, &atCap).map(\.status) == [200])
    var belowCap = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 63))
    #expect(feed(text, &belowCap) == [.failure(.headersTooLarge)])
  }

  @Test func hugeHeadersWithTheDefaultCapAre431() {
    let text = "GET / HTTP/1.1\r\nHost: h\r\nCookie: " + String(repeating: "c", count: 20_000) + "\r\n\r\n"
    #expect(events(text) == [.failure(.headersTooLarge)])
    #expect(HTTPParseError.headersTooLarge.status == 431)
  }

  @Test func bodiesOverTheCapAre413() {
    var parser = HTTPRequestParser(limits: HTTPLimits(maxBodyBytes: 10))
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

/// What a browser-facing listener (the login redirect) relies on: any split, blank lines, generous caps, and exact
/// refusals of whatever is not an HTTP/1.x request.
@Suite struct HTTPRequestParserHeadTests {
  private static let head = Array("GET /?code=abc&state=xyz HTTP/1.1\r\nHost: localhost:8020\r\n\r\n".utf8)
  private static let request = HTTPRequest(
    method: "GET",
    target: "/?code=abc&state=xyz",
    headers: ["Host": "localhost:8020"]
  )

  @Test func waitsForTheWholeHeadHoweverItIsSplit() {
    for split in 0..<Self.head.count {
      var parser = HTTPRequestParser()
      #expect(parser.feed(Self.head[..<split]) == [], "split at \(split)")
      #expect(parser.feed(Self.head[split...]) == [.request(Self.request)], "split at \(split)")
    }
    var parser = HTTPRequestParser()
    for byte in Self.head.dropLast() { #expect(parser.feed([byte]) == []) }
    #expect(parser.feed([Self.head.last ?? 0]) == [.request(Self.request)])
  }

  @Test func ignoresEmptyLinesBeforeTheRequestAndWaitsOnBytesAfterIt() {
    var parser = HTTPRequestParser()
    #expect(parser.feed(Array("\r\n\n".utf8)) == [])
    #expect(parser.feed(Self.head + Array("body or a pipelined request".utf8)) == [.request(Self.request)])
  }

  @Test func capsTheHead() {
    var parser = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 100))
    #expect(parser.feed(Array("GET /?code=\(String(repeating: "a", count: 80))".utf8)) == [])
    #expect(parser.feed(Array(String(repeating: "a", count: 30).utf8)) == [.failure(.headersTooLarge)], "no end")

    var complete = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 40))
    #expect(complete.feed(Self.head) == [.failure(.headersTooLarge)], "complete, but longer than the cap")
    var exact = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: Self.head.count))
    #expect(exact.feed(Self.head) == [.request(Self.request)])

    var blankLines = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 10))
    #expect(blankLines.feed(Array(repeating: UInt8(ascii: "\n"), count: 11)) == [.failure(.headersTooLarge)])
    #expect(HTTPLimits().maxHeadBytes >= 16 * 1024)
  }

  @Test func capsTheNumberOfHeaderFields() {
    let fields = (0..<3).map { "X-\($0): v\r\n" }.joined()
    var atCap = HTTPRequestParser(limits: HTTPLimits(maxHeaderCount: 4))
    #expect(atCap.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\(fields)\r\n".utf8)).count == 1)
    #expect(
      atCap.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\(fields)X-4: v\r\n\r\n".utf8)) == [.failure(.headersTooLarge)]
    )
  }

  @Test func refusesWhatIsNotAnHTTP1Request() {
    let cases: [(String, HTTPParseError)] = [
      ("GARBAGE\r\n\r\n", .badRequest("malformed request line")),
      ("GET /  HTTP/1.1\r\nHost: x\r\n\r\n", .badRequest("malformed request line")),
      ("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", .badRequest("malformed request line")),
      ("\u{16}\u{3}\u{1} TLS hello?\r\n\r\n", .badRequest("malformed method")),
      ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", .badRequest("malformed method")),
      ("GET http://localhost/ HTTP/1.1\r\nHost: x\r\n\r\n", .badRequest("malformed request target")),
      ("GET /\u{7F} HTTP/1.1\r\nHost: x\r\n\r\n", .badRequest("malformed request target")),
      ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion),
      ("GET / http/1.1\r\nHost: x\r\n\r\n", .badRequest("malformed HTTP version")),
      ("GET / HTTP/1.1\r\nHost x\r\n\r\n", .badRequest("malformed header field")),
      ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .badRequest("malformed header field name")),
      ("GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n", .badRequest("malformed header field name")),
      ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", .badRequest("malformed header field")),
      ("GET / HTTP/1.1\r\nHost: x\u{1}\r\n\r\n", .badRequest("control character in header field value")),
      ("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .badRequest("HTTP/1.1 requests need exactly one Host header")),
      ("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", .badRequest("HTTP/1.1 requests need exactly one Host header")),
    ]
    for (head, error) in cases {
      var parser = HTTPRequestParser()
      #expect(parser.feed(Array(head.utf8)) == [.failure(error)], "\(head.debugDescription)")
    }
    var bytes = HTTPRequestParser()
    #expect(bytes.feed([0xFF, 0xFE, 0x0A, 0x0A]) == [.failure(.badRequest("malformed request line"))])
    var blank = HTTPRequestParser()
    #expect(blank.feed(Array("\r\n\r\n".utf8)) == [], "empty lines alone are skipped, not a request")
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
