import LoopbackHTTP
import Testing

@Suite struct HTTPResponseTests {
  @Test func serializationComputesContentLength() {
    var response = HTTPResponse(
      status: 200,
      headers: ["Content-Type": "application/json"],
      body: Array(#"{"a":"é"}"#.utf8)
    )
    response.headers.add("Content-Length", "999")
    let text = String(decoding: response.serialized(closingConnection: false), as: UTF8.self)
    #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":\"é\"}")
  }

  @Test func closingAddsConnectionClose() {
    let text = String(decoding: HTTPResponse.text("no", status: 400).serialized(closingConnection: true), as: UTF8.self)
    #expect(
      text
        == "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno"
    )
  }

  @Test func noContentAndContinueCarryNoLengthAndNoBody() {
    let noContent = HTTPResponse(status: 204, body: Array("ignored".utf8)).serialized(closingConnection: false)
    #expect(String(decoding: noContent, as: UTF8.self) == "HTTP/1.1 204 No Content\r\n\r\n")
    let proceed = HTTPResponse(status: 100).serialized(closingConnection: false)
    #expect(String(decoding: proceed, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
  }
}
