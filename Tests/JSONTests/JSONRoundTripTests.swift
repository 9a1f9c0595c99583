import JSON
import TestSupport
import Testing

@Suite struct JSONRoundTripTests {
  @Test(arguments: 0..<300)
  func generatedValuesSurviveWriteThenParse(seed: Int) throws {
    var random = RandomJSON(seed: UInt64(seed))
    let value = random.value()
    let compact = JSONWriter.bytes(value)
    let reparsed = try JSONParser.parse(compact)
    #expect(reparsed == value)
    // Byte-level too: `==` on strings is canonical equivalence, which would hide a normalising bug.
    #expect(JSONWriter.bytes(reparsed) == compact)
    #expect(try JSONParser.parse(JSONWriter.bytes(value, pretty: true)) == value)
  }

  @Test(arguments: 0..<300)
  func compactOutputIsAlwaysOneLine(seed: Int) {
    var random = RandomJSON(seed: UInt64(seed) &+ 1_000_000)
    let bytes = JSONWriter.bytes(random.value())
    #expect(!bytes.contains(0x0A))
    #expect(!bytes.contains(0x0D))
    // No U+2028/U+2029 either, for line readers that split on them.
    #expect(!String(decoding: bytes, as: UTF8.self).unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" })
  }

  @Test func doublesRoundTripBitForBit() throws {
    var generator = SeededGenerator(seed: 42)
    var checked = 0
    while checked < 20_000 {
      let double = Double(bitPattern: generator.next())
      guard double.isFinite else { continue }
      checked += 1
      let parsed = try JSONParser.parse(JSONWriter.bytes(.double(double)))
      guard case .double(let back) = parsed else {
        Issue.record("\(double) came back as \(parsed)")
        return
      }
      #expect(back.bitPattern == double.bitPattern, "\(double)")
    }
  }

  @Test func integersRoundTripExactly() throws {
    var generator = SeededGenerator(seed: 7)
    let edges: [Int64] = [.min, .min + 1, -1, 0, 1, 9, 10, 99, 100, .max - 1, .max]
    for int in edges + (0..<20_000).map({ _ in Int64(bitPattern: generator.next()) }) {
      #expect(try JSONParser.parse(JSONWriter.bytes(.int(int))) == .int(int))
    }
  }

  @Test(
    arguments: [
      "0", "-1", "9007199254740993", "1.5", "-0.0", "\"7\"", "null", "true", "[]", "{}", "1e+300", "1e-07",
      #"{"a":[1,2.5,"x",null,{"b":false}],"c":"\u0001\n/é"}"#, #"[{"":{}},[[]]]"#,
      #"{"id":123,"jsonrpc":"2.0","method":"ping","params":{"_meta":{"progressToken":5}}}"#,
      #""\u2028\u2029""#, "\"\u{7F}😀\"",
    ]
  )
  func canonicalTextsAreWrittenBackUnchanged(text: String) throws {
    #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
  }

  @Test(
    arguments: [
      ("0", JSONValue.int(0), "0"),
      ("-1", .int(-1), "-1"),
      ("9007199254740993", .int(9_007_199_254_740_993), "9007199254740993"),
      ("1.5", .double(1.5), "1.5"),
      ("-0.0", .double(-0.0), "-0.0"),
      ("1e3", .double(1000), "1000.0"),
      ("\"7\"", .string("7"), "\"7\""),
      ("null", .null, "null"),
      ("123456789012345678901234567890", .double(1.2345678901234568e29), "1.2345678901234568e+29"),
      ("1E-2", .double(0.01), "0.01"),
    ] as [(String, JSONValue, String)]
  )
  func requestIdsEchoAsTheServerNeeds(text: String, value: JSONValue, echoed: String) throws {
    let parsed = try JSONParser.parse(text)
    #expect(parsed == value)
    #expect(JSONWriter.string(parsed) == echoed)
  }

  @Test func nonCanonicalTextsNormalise() throws {
    let text = " { \"b\" : [ 1 , 2 ] , \"a\" : \"\\u0041\\/\" , \"a\" : \"last\" } "
    #expect(JSONWriter.string(try JSONParser.parse(text)) == #"{"a":"last","b":[1,2]}"#)
  }
}
