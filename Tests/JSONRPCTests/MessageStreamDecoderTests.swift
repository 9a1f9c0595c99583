import JSONRPC
import Testing

@Suite struct MessageStreamDecoderTests {
  private func decode(_ chunks: [String], limit: Int = 1024) -> (Framing?, [String]) {
    var decoder = MessageStreamDecoder(maxMessageBytes: limit)
    var out: [String] = []
    let emit: (LineFramer.Event) -> Void = { event in
      switch event {
      case .line(let bytes): out.append(String(decoding: bytes, as: UTF8.self))
      case .oversized: out.append("<oversized>")
      }
    }
    for chunk in chunks { decoder.feed(Array(chunk.utf8), emit) }
    decoder.finish(emit)
    return (decoder.framing, out)
  }

  /// The writer must know the framing before the first message is handled, or its answer goes out unframed.
  @Test(arguments: ["Content-Length: 7\r\n\r\n{\"a\":1}", "{\"a\":1}\n"])
  func theFramingIsReportedBeforeTheFirstMessage(input: String) {
    var decoder = MessageStreamDecoder(maxMessageBytes: 1024)
    var events: [String] = []
    Array(input.utf8).withUnsafeBytes { bytes in
      decoder.feed(bytes, detected: { events.append("detected \($0)") }) { _ in events.append("message") }
    }
    #expect(events.count == 2)
    #expect(events.first?.hasPrefix("detected") == true)
    #expect(events.last == "message")
  }

  @Test func newlineFramingIsTheDefault() {
    let (framing, messages) = decode(["{\"a\":1}\n[1]\n"])
    #expect(framing == .newline)
    #expect(messages == ["{\"a\":1}", "[1]"])
  }

  @Test func contentLengthHeadersSwitchTheSessionToLSPFraming() {
    let body = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
    let (framing, messages) = decode(["Content-Length: \(body.utf8.count)\r\n\r\n\(body)Content-Length: 2\r\n\r\n{}"])
    #expect(framing == .contentLength)
    #expect(messages == [body, "{}"])
  }

  @Test func detectionWaitsForEnoughOfTheHeaderName() {
    let (framing, messages) = decode(["  \n", "Cont", "ent-Len", "gth: 2\r\n", "Content-Type: x\r\n\r\n{", "}"])
    #expect(framing == .contentLength)
    #expect(messages == ["{}"])
  }

  @Test func headerNamesAreCaseInsensitive() {
    let (framing, messages) = decode(["content-length: 2\r\n\r\n[]"])
    #expect(framing == .contentLength)
    #expect(messages == ["[]"])
  }

  @Test func anOversizedLSPBodyIsSkippedAndTheNextMessageArrives() {
    let big = String(repeating: "x", count: 50)
    let (_, messages) = decode(["Content-Length: 50\r\n\r\n\(big)Content-Length: 2\r\n\r\n{}"], limit: 10)
    #expect(messages == ["<oversized>", "{}"])
  }

  @Test func aHeaderBlockWithoutContentLengthIsReported() {
    let (_, messages) = decode(["Content-Type: foo\r\n\r\nContent-Length: 2\r\n\r\n{}"])
    #expect(messages == ["<oversized>", "{}"])
  }

  @Test func inputEndingInsideAnLSPBodyIsReported() {
    let (_, messages) = decode(["Content-Length: 10\r\n\r\n{\"a\""])
    #expect(messages == ["<oversized>"])
  }
}
