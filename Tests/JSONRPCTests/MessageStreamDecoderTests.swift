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
      case .brokenFrame: out.append("<parse error>")
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

  @Test func aHeaderBlockWithoutContentLengthIsAParseErrorAndTheNextFrameArrives() {
    let (_, messages) = decode(["Content-Type: foo\r\n\r\nContent-Length: 2\r\n\r\n{}"])
    #expect(messages == ["<parse error>", "{}"])
    let (_, withBody) = decode(["Content-Type: foo\r\n\r\n" + Self.ping(1) + Self.frame(Self.ping(2))])
    #expect(withBody == ["<parse error>", Self.ping(2)])
  }

  @Test func inputEndingInsideAnLSPBodyIsReported() {
    let (_, messages) = decode(["Content-Length: 10\r\n\r\n{\"a\""])
    #expect(messages == ["<oversized>"])
  }

  // MARK: Resynchronising after a wrong Content-Length

  private static func ping(_ id: Int) -> String { #"{"jsonrpc":"2.0","id":\#(id),"method":"ping"}"# }

  private static func frame(_ body: String, declaring length: Int? = nil) -> String {
    "Content-Length: \(length ?? body.utf8.count)\r\n\r\n\(body)"
  }

  /// Decodes `input` whole and byte by byte: resynchronising must not depend on where reads split the stream.
  private func decodeEveryWay(_ input: String) -> [String] {
    let whole = decode([input]).1
    let bytes = decode(Array(input.utf8).map { String(decoding: [$0], as: UTF8.self) }).1
    #expect(whole == bytes, "byte by byte")
    return whole
  }

  @Test func aTooShortLengthLosesOnlyItsOwnFrame() {
    let input = Self.frame(Self.ping(1), declaring: 10) + Self.frame(Self.ping(2)) + Self.frame(Self.ping(3))
    #expect(decodeEveryWay(input) == ["<parse error>", Self.ping(2), Self.ping(3)])
  }

  @Test func aTooLongLengthLosesOnlyItsOwnFrame() {
    let first = Self.ping(1)
    for extra in [1, 5, 22, 30, 60] {
      let input =
        Self.frame(first, declaring: first.utf8.count + extra) + Self.frame(Self.ping(2)) + Self.frame(Self.ping(3))
      #expect(decodeEveryWay(input) == ["<parse error>", Self.ping(2), Self.ping(3)], "\(extra) bytes too long")
    }
  }

  @Test func aTooLongLengthAtTheEndOfInputStillYieldsTheFrameItSwallowed() {
    let input = Self.frame(Self.ping(1), declaring: 200) + Self.frame(Self.ping(2))
    #expect(decodeEveryWay(input) == ["<parse error>", Self.ping(2)])
  }

  @Test(arguments: ["99999999999999999999", "9223372036854775808", "abc", "-5", "+5", "0x10", "", "1 2", "½"])
  func aNonNumericOrAbsurdLengthIsAParseError(length: String) {
    let input = "Content-Length: \(length)\r\n\r\n" + Self.ping(1) + Self.frame(Self.ping(2))
    #expect(decodeEveryWay(input) == ["<parse error>", Self.ping(2)])
  }

  @Test func conflictingLengthsAreAParseError() {
    let body = Self.ping(1)
    let input = "Content-Length: \(body.utf8.count)\r\nContent-Length: 2\r\n\r\n\(body)" + Self.frame("{}")
    let messages = decodeEveryWay(input)
    #expect(messages.last == "{}")
    #expect(messages.dropLast().allSatisfy { $0 == "<parse error>" } && messages.count > 1)
  }

  /// Found by the fuzzer (`FramingFuzzTests`, `EngineFuzzTests`): a damaged frame whose header block runs on into the
  /// next frame's header, which then sits mid-line where it does not count, must not take that frame with it.
  @Test(arguments: [
    "Content-Length: 7\r\nnot a header\r\n\"",
    "Content-Length: 7\r\n\n\r\n",
    "Content-Length: 7\r\n\r\nContent-LeContent-Length: 7\r\nng",
    "Content-Length: 5\r\n\r\n{\"a\":\"Content-Length: 7\r\nb\",\"c\":1}",
    // A frame whose body is missing altogether: the next frame's header is the start of its body.
    "Content-Length: 2\r\n\r\n", "Content-Length: 19\r\n\r\n",
  ])
  func aHeaderBlockRunningIntoTheNextFrameLosesOnlyItsOwnFrame(damaged: String) {
    let messages = decodeEveryWay(damaged + Self.frame(Self.ping(1)) + Self.frame(Self.ping(2)))
    #expect(messages.suffix(2) == [Self.ping(1), Self.ping(2)])
    #expect(messages.dropLast(2).allSatisfy { $0 == "<parse error>" } && messages.count > 2)
  }

  @Test func aValidBodyMentioningContentLengthIsOneMessage() {
    let body = #"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"text":"Content-Length: 2\r\n\r\n{}"}}"#
    #expect(decodeEveryWay(Self.frame(body) + Self.frame("{}")) == [body, "{}"])
  }

  @Test func anOversizedBodyIsStillReportedAsOversized() {
    let big = #"{"a":""# + String(repeating: "x", count: 100) + #""}"#
    #expect(decodeEveryWay(Self.frame(big) + Self.frame("{}")).count == 2)
    #expect(decode([Self.frame(big) + Self.frame("{}")], limit: 50).1 == ["<oversized>", "{}"])
  }
}
