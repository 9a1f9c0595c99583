import JSON
import TestSupport
import Testing

/// The parser on damaged and random bytes: it never crashes, rejects or accepts the same bytes wherever they sit in
/// a buffer, and whatever it accepts writes back to text it parses to the same value.
@Suite struct JSONParserFuzzTests {
  @Test func mutatedDocumentsParseOrFailCleanly() async {
    for seed in FuzzBudget.seeds(default: 1500) {
      await Task.yield()
      var random = RandomJSON(seed: seed)
      var mutator = ByteMutator(seed: seed)
      checkParse(mutator.mutate(JSONWriter.bytes(random.value(), pretty: seed % 4 == 0)), seed: seed)
    }
  }

  @Test func randomBytesParseOrFailCleanly() async {
    let alphabet = Array(#"{}[]",:\"0123456789.eE+-truefalsn u\/ "#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xFF]
    for seed in FuzzBudget.seeds(default: 1500) {
      await Task.yield()
      var generator = SeededGenerator(seed: seed)
      let length = Int.random(in: 0...24, using: &generator)
      checkParse((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0 }, seed: seed)
    }
  }

  private func checkParse(_ bytes: [UInt8], seed: UInt64) {
    let parsed = try? JSONParser.parse(bytes)
    // The framers hand the parser slices of a larger buffer: the offset must not matter.
    let offset = ([0x7B] + bytes)[1...]
    #expect((try? JSONParser.parse(offset)) == parsed, "seed \(seed)")
    guard let parsed else { return }
    let written = JSONWriter.bytes(parsed)
    guard let reparsed = try? JSONParser.parse(written) else {
      Issue.record("seed \(seed): the writer's output does not parse: \(String(decoding: written, as: UTF8.self))")
      return
    }
    #expect(reparsed == parsed, "seed \(seed)")
    #expect(JSONWriter.bytes(reparsed) == written, "seed \(seed)")
  }
}
