import JSONRPC
import Testing

@Suite struct LineFramerTests {
  /// Feeds `chunks` and returns what came out, lines as strings and oversized lines as "<oversized>".
  private func frame(_ chunks: [String], limit: Int = 64, finish: Bool = true) -> [String] {
    var framer = LineFramer(maxLineBytes: limit)
    var out: [String] = []
    let emit: (LineFramer.Event) -> Void = { event in
      switch event {
      case .line(let bytes): out.append(String(decoding: bytes, as: UTF8.self))
      case .oversized: out.append("<oversized>")
      case .brokenFrame: out.append("<broken frame>")
      }
    }
    for chunk in chunks { framer.feed(Array(chunk.utf8), emit) }
    if finish { framer.finish(emit) }
    return out
  }

  @Test func splitsLinesAndDropsCarriageReturns() {
    #expect(frame(["a\nb\r\nc\n"]) == ["a", "b", "c"])
  }

  @Test func skipsBlankAndWhitespaceOnlyLines() {
    #expect(frame(["\n\n  \t\n\r\na\n \r\n"]) == ["a"])
  }

  @Test func aFinalLineWithoutNewlineIsAMessageAtEOF() {
    #expect(frame(["a\nlast"]) == ["a", "last"])
    #expect(frame(["a\nlast"], finish: false) == ["a"])
  }

  @Test func aLineSplitAcrossManyChunksIsReassembled() {
    #expect(frame(["{\"js", "onrpc", "\":1}", "\r", "\nnext\n"]) == ["{\"jsonrpc\":1}", "next"])
  }

  @Test func twoMessagesInOneChunk() {
    #expect(frame(["one\ntwo\n"]) == ["one", "two"])
  }

  @Test func anOversizedLineIsReportedOnceAndTheNextLineStillArrives() {
    let long = String(repeating: "x", count: 100)
    #expect(frame([long + "\nok\n"], limit: 64) == ["<oversized>", "ok"])
  }

  @Test func anOversizedLineSpanningChunksIsDiscardedToItsNewline() {
    let part = String(repeating: "y", count: 40)
    #expect(frame(["ok1\n" + part, part, part, "\nok2\n"], limit: 64) == ["ok1", "<oversized>", "ok2"])
  }

  @Test func anOversizedLastLineAtEOFIsStillReported() {
    #expect(frame([String(repeating: "z", count: 70)], limit: 64) == ["<oversized>"])
  }

  @Test func aLineOfExactlyTheLimitIsAccepted() {
    let exact = String(repeating: "a", count: 64)
    #expect(frame([exact + "\n"], limit: 64) == [exact])
    #expect(frame([String(exact.prefix(30)), String(exact.dropFirst(30)) + "\n"], limit: 64) == [exact])
  }
}
