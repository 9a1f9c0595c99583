import JSON
import JSONRPC
import TestSupport
import Testing

/// The line and LSP framers on streams of valid, damaged and random messages: they never crash, the messages they
/// find do not depend on how reads split the stream, and a well-formed stream comes out exactly as it went in.
@Suite struct FramingFuzzTests {
  private static let methods = ["ping", "test/echo", "nope"]

  @Test func newlineFramingFindsTheSameLinesHoweverTheStreamIsSplit() async {
    for seed in FuzzBudget.seeds(default: 500) {
      await Task.yield()
      var messages = RandomMessages(seed: seed, methods: Self.methods)
      var mutator = ByteMutator(seed: seed)
      var stream: [UInt8] = []
      for index in 0..<Int.random(in: 1...8, using: &mutator.generator) {
        let bytes = JSONWriter.bytes(messages.message())
        stream += index % 2 == 0 ? bytes : mutator.mutate(bytes)
        stream += [0x0A]
      }
      let events = Self.decode(stream, maxMessageBytes: 256, chunks: [stream[...]])
      #expect(Self.decode(stream, maxMessageBytes: 256, chunks: mutator.chunks(stream)) == events, "seed \(seed)")
      #expect(events.count <= stream.filter { $0 == 0x0A }.count + 1, "seed \(seed)")
      for case .line(let line) in events {
        #expect(!line.contains(0x0A) && line.count <= 256, "seed \(seed)")
        #expect(line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }, "seed \(seed)")
      }
    }
  }

  @Test func wellFormedLSPFramesComeOutExactly() async {
    for seed in FuzzBudget.seeds(default: 300) {
      await Task.yield()
      var messages = RandomMessages(seed: seed, methods: Self.methods)
      var mutator = ByteMutator(seed: seed)
      let bodies = (0..<Int.random(in: 1...6, using: &mutator.generator)).map { _ in
        JSONWriter.bytes(messages.message())
      }
      let stream = bodies.flatMap(Self.frame)
      let events = Self.decode(stream, maxMessageBytes: 1 << 20, chunks: mutator.chunks(stream))
      #expect(events == bodies.map { .line($0[...]) }, "seed \(seed)")
    }
  }

  @Test func damagedLSPFramesCostOnlyThemselves() async {
    for seed in FuzzBudget.seeds(default: 300) {
      await Task.yield()
      var messages = RandomMessages(seed: seed, methods: Self.methods)
      var mutator = ByteMutator(seed: seed)
      var stream = Self.frame(JSONWriter.bytes(messages.message()))
      var intact: [[UInt8]] = []
      for index in 0..<Int.random(in: 1...6, using: &mutator.generator) {
        let body = JSONWriter.bytes(messages.message())
        if index % 2 == 0 {
          stream += mutator.mutate(Self.frame(body))
        } else {
          intact.append(body)
          stream += Self.frame(body)
        }
      }
      let events = Self.decode(stream, maxMessageBytes: 1 << 20, chunks: [stream[...]])
      #expect(
        Self.decode(stream, maxMessageBytes: 1 << 20, chunks: mutator.chunks(stream)) == events,
        "seed \(seed)"
      )
      for case .line(let body) in events {
        #expect((try? JSONParser.parse(body)) != nil, "seed \(seed)")
      }
      // Every frame left whole is still read, whatever damage surrounds it, unless damage declared a length over the
      // limit: such a body is skipped unread, up to its declared end, whatever it holds.
      guard !events.contains(.oversized) else { continue }
      var lines = events.compactMap { if case .line(let body) = $0 { Array(body) } else { nil } }[...]
      for body in intact {
        guard let found = lines.firstIndex(of: body) else {
          Issue.record("seed \(seed): an intact frame was lost: \(String(decoding: body, as: UTF8.self))")
          break
        }
        lines = lines[(found + 1)...]
      }
    }
  }

  @Test func randomBytesNeverBreakEitherFraming() async {
    let alphabet = Array("{}\"\\:\r\n Content-Length: 12\r\n".utf8) + [0x00, 0xFF]
    for seed in FuzzBudget.seeds(default: 500) {
      await Task.yield()
      var mutator = ByteMutator(seed: seed)
      let length = Int.random(in: 0...64, using: &mutator.generator)
      var stream = (0..<length).map { _ in alphabet.randomElement(using: &mutator.generator) ?? 0 }
      if seed % 2 == 0 { stream = Array("Content-Length: 2\r\n\r\n{}".utf8) + stream }
      let events = Self.decode(stream, maxMessageBytes: 16, chunks: [stream[...]])
      #expect(Self.decode(stream, maxMessageBytes: 16, chunks: mutator.chunks(stream)) == events, "seed \(seed)")
    }
  }

  private static func frame(_ body: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = []
    Framing.contentLength.frame(body, into: &bytes)
    return bytes
  }

  /// Everything the decoder emits for `stream` delivered in `chunks`, with each line copied out of its buffer.
  private static func decode(_ stream: [UInt8], maxMessageBytes: Int, chunks: [ArraySlice<UInt8>])
    -> [LineFramer.Event]
  {
    var decoder = MessageStreamDecoder(maxMessageBytes: maxMessageBytes)
    var events: [LineFramer.Event] = []
    let collect: (LineFramer.Event) -> Void = { event in
      if case .line(let line) = event { events.append(.line(Array(line)[...])) } else { events.append(event) }
    }
    for chunk in chunks { decoder.feed(chunk, collect) }
    decoder.finish(collect)
    #expect(chunks.reduce(0) { $0 + $1.count } == stream.count)
    return events
  }
}
