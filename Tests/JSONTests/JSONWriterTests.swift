import JSON
import TestSupport
import Testing

@Suite struct JSONWriterTests {
  @Test(
    arguments: [
      (JSONValue.null, "null"),
      (.bool(true), "true"),
      (.bool(false), "false"),
      (.int(0), "0"),
      (.int(7), "7"),
      (.int(-1), "-1"),
      (.int(1234567890), "1234567890"),
      (.int(.max), "9223372036854775807"),
      (.int(.min), "-9223372036854775808"),
      (.double(1.5), "1.5"),
      (.double(-0.0), "-0.0"),
      (.double(1.0), "1.0"),
      (.double(1000), "1000.0"),
      (.double(0.1), "0.1"),
      (.double(1e300), "1e+300"),
      (.double(1e-7), "1e-07"),
      (.double(.leastNonzeroMagnitude), "5e-324"),
      (.double(.infinity), "null"),
      (.double(-.infinity), "null"),
      (.double(.nan), "null"),
      (.string(""), #""""#),
      (.string("a/b"), #""a/b""#),
      (.array([]), "[]"),
      (.object([:]), "{}"),
      ([1, [2, [3, []]], [:]], "[1,[2,[3,[]]],{}]"),
      (["a": [1, ["b": nil]], "c": [:]], #"{"a":[1,{"b":null}],"c":{}}"#),
    ] as [(JSONValue, String)]
  )
  func writesCompactly(value: JSONValue, expected: String) {
    #expect(JSONWriter.string(value) == expected)
    #expect(JSONWriter.bytes(value) == Array(expected.utf8))
  }

  @Test(
    arguments: [
      ("\"", #""\"""#),
      ("\\", #""\\""#),
      ("\n\r\t", #""\n\r\t""#),
      ("\u{8}\u{C}", #""\b\f""#),
      ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
      ("a\u{B}b", #""a\u000bb""#),
      ("\u{7F}", "\"\u{7F}\""),
      ("/", #""/""#),
      ("é€😀中", "\"é€😀中\""),
      ("\u{2028}", #""\u2028""#),
      ("x\u{2029}y", #""x\u2029y""#),
      ("\u{2027}\u{202A}\u{20AC}", "\"\u{2027}\u{202A}\u{20AC}\""),
      ("tail\u{2028}", #""tail\u2028""#),
      ("mixed \"q\" \\ \u{1} é\n", #""mixed \"q\" \\ \u0001 é\n""#),
    ] as [(String, String)]
  )
  func escapesStrings(string: String, expected: String) {
    #expect(JSONWriter.string(.string(string)) == expected)
    var buffer: [UInt8] = []
    JSONWriter.writeString(string, into: &buffer)
    #expect(buffer == Array(expected.utf8))
  }

  /// A byte-at-a-time reference for the escaping rules, to check the word-at-a-time scan against.
  private static func referenceEscaped(_ string: String) -> String {
    var result = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case "\u{8}": result += "\\b"
      case "\u{C}": result += "\\f"
      case "\u{2028}": result += "\\u2028"
      case "\u{2029}": result += "\\u2029"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  @Test(arguments: ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{2028}", "\u{2029}", "\u{2027}", "€", "é", "\u{7F}"])
  func specialCharactersAreFoundAtEveryOffset(special: String) {
    // The scan tests eight bytes at a time; put the character at every position across several words.
    for length in [0, 1, 7, 8, 9, 15, 16, 17, 31] {
      for position in 0...length {
        let string =
          String(repeating: "a", count: position) + special + String(repeating: "b", count: length - position)
        #expect(JSONWriter.string(.string(string)) == Self.referenceEscaped(string), "\(length) \(position)")
      }
    }
    let twice = String(repeating: "x", count: 9) + special + String(repeating: "y", count: 12) + special + "z"
    #expect(JSONWriter.string(.string(twice)) == Self.referenceEscaped(twice))
  }

  @Test(arguments: 0..<200)
  func generatedStringsEscapeLikeTheReference(seed: Int) {
    var random = RandomJSON(seed: UInt64(seed) &+ 5_000)
    let string = (0..<4).map { _ in random.string() }.joined()
    #expect(JSONWriter.string(.string(string)) == Self.referenceEscaped(string))
  }

  @Test func everyControlCharacterIsEscapedAndNoRawNewlineIsWritten() throws {
    let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
    let bytes = JSONWriter.bytes([controls: .string(controls + "\u{2028}\u{2029}")])
    #expect(!bytes.contains(where: { $0 < 0x20 }))
    #expect(try JSONParser.parse(bytes) == [controls: .string(controls + "\u{2028}\u{2029}")])
  }

  @Test func objectKeysAreSortedByUTF8Bytes() {
    let value: JSONValue = ["b": 1, "a": 2, "A": 3, "aa": 4, "é": 5, "z": 6, "": 7, "😀": 8, "\u{FFFD}": 9]
    #expect(JSONWriter.string(value) == #"{"":7,"A":3,"a":2,"aa":4,"b":1,"z":6,"é":5,"�":9,"😀":8}"#)
  }

  @Test func keyOrderIsByteOrderNotNormalisedStringOrder() {
    // "e" + U+0301 is canonically "é", which `String.<` sorts after "f"; its bytes (65 CC 81) sort before "f".
    let value: JSONValue = ["f": 1, "e\u{301}": 2]
    #expect(JSONWriter.string(value) == "{\"e\u{301}\":2,\"f\":1}")
  }

  @Test func manyKeysAreSorted() {
    let keys = (0..<100).map { "k\(($0 * 37) % 100)" }
    let value = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.int(1)) }))
    let expected = "{" + keys.sorted().map { "\"\($0)\":1" }.joined(separator: ",") + "}"
    #expect(JSONWriter.string(value) == expected)
  }

  @Test func writeAppendsToExistingBytes() {
    var buffer = Array("prefix ".utf8)
    JSONWriter.write(["a": [true]], into: &buffer)
    JSONWriter.writeString("s", into: &buffer)
    #expect(String(decoding: buffer, as: UTF8.self) == #"prefix {"a":[true]}"s""#)
  }

  @Test func outputLargerThanTheStackBufferIsComplete() throws {
    let long = String(repeating: "ab\"\n€", count: 2_000)
    let value: JSONValue = ["long": .string(long), "list": .array((0..<500).map { .int($0) })]
    let bytes = JSONWriter.bytes(value)
    #expect(bytes.count > 10_000)
    #expect(try JSONParser.parse(bytes) == value)
    var appended: [UInt8] = [0x20]
    JSONWriter.write(value, into: &appended)
    #expect(Array(appended.dropFirst()) == bytes)
  }

  @Test func deeplyNestedValuesAreWrittenCompletely() throws {
    let depth = JSONParser.maximumDepth
    let text = String(repeating: #"{"a":["#, count: depth / 2) + "1" + String(repeating: "]}", count: depth / 2)
    let value = try JSONParser.parse(text)
    #expect(JSONWriter.string(value) == text)
    let pretty = JSONWriter.string(value, pretty: true)
    #expect(try JSONParser.parse(pretty) == value)
    #expect(pretty.hasSuffix("\n" + String(repeating: " ", count: 2) + "]\n}"))
  }

  // MARK: Pretty

  @Test func prettyMatchesGoMarshalIndentForTheTokenCache() {
    let cache: JSONValue = [
      "version": 1,
      "tokens": ["dev": ["expiry": "2026-08-21T14:37:20.935183+02:00", "access_token": "a"]],
    ]
    let expected = """
      {
        "tokens": {
          "dev": {
            "access_token": "a",
            "expiry": "2026-08-21T14:37:20.935183+02:00"
          }
        },
        "version": 1
      }
      """
    #expect(JSONWriter.string(cache, pretty: true) == expected)
  }

  @Test func prettyWritesEmptyContainersInlineAndArraysOnePerLine() {
    let value: JSONValue = ["c": [1, "x", [:], []], "b": [:], "a": [], "d": [["k": nil]]]
    let expected = """
      {
        "a": [],
        "b": {},
        "c": [
          1,
          "x",
          {},
          []
        ],
        "d": [
          {
            "k": null
          }
        ]
      }
      """
    #expect(JSONWriter.string(value, pretty: true) == expected)
  }

  @Test(
    arguments: [
      (JSONValue.int(1), "1"),
      (.string("a\nb"), #""a\nb""#),
      (.array([]), "[]"),
      (.object([:]), "{}"),
      (.array([.null]), "[\n  null\n]"),
    ] as [(JSONValue, String)]
  )
  func prettyTopLevelValues(value: JSONValue, expected: String) {
    #expect(JSONWriter.string(value, pretty: true) == expected)
  }
}
