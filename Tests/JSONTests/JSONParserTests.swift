import Foundation
import JSON
import Testing

@Suite struct JSONParserTests {
  // MARK: Valid documents

  @Test(
    arguments: [
      ("0", JSONValue.int(0)),
      ("-0", .int(0)),
      ("-1", .int(-1)),
      ("42", .int(42)),
      ("9007199254740993", .int(9_007_199_254_740_993)),
      ("999999999999999999", .int(999_999_999_999_999_999)),
      ("9223372036854775807", .int(.max)),
      ("-9223372036854775808", .int(.min)),
      ("9223372036854775808", .double(9_223_372_036_854_775_808)),
      ("-9223372036854775809", .double(-9_223_372_036_854_775_808)),
      ("123456789012345678901234567890", .double(1.2345678901234568e29)),
      ("1.5", .double(1.5)),
      ("-1.5", .double(-1.5)),
      ("0.0", .double(0)),
      ("1e3", .double(1000)),
      ("1E3", .double(1000)),
      ("1e+3", .double(1000)),
      ("1e-3", .double(0.001)),
      ("1.0e0", .double(1)),
      ("1e-400", .double(0)),
      ("2.5E-2", .double(0.025)),
      ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
      ("5e-324", .double(.leastNonzeroMagnitude)),
    ] as [(String, JSONValue)]
  )
  func parsesNumbers(text: String, expected: JSONValue) throws {
    let value = try JSONParser.parse(text)
    #expect(value == expected)
    // Check the kind explicitly: an integer literal must stay .int and anything else must be .double.
    switch (value, expected) {
    case (.int, .int), (.double, .double): break
    default: Issue.record("\(text) parsed as \(value), expected the kind of \(expected)")
    }
  }

  @Test func negativeZeroKeepsItsSignAsDouble() throws {
    let value = try JSONParser.parse("-0.0")
    guard case .double(let double) = value else {
      Issue.record("expected a double, got \(value)")
      return
    }
    #expect(double == 0 && double.sign == .minus)
  }

  @Test(
    arguments: [
      ("true", JSONValue.bool(true)),
      ("false", .bool(false)),
      ("null", .null),
      ("[]", .array([])),
      ("{}", .object([:])),
      (" \t\r\n[ 1 , \"a\" , null , true , false ] \n", .array([1, "a", nil, true, false])),
      (#"{"a":{"b":[{}]}}"#, ["a": ["b": [[:]]]]),
      (#"{ "a" : 1 , "b" : [ ] }"#, ["a": 1, "b": []]),
      (#"[[[[[]]]]]"#, [[[[[]]]]]),
      (#"{"a":1,"a":2}"#, ["a": 2]),
      (#"{"a":1,"b":2,"a":3}"#, ["a": 3, "b": 2]),
      (#"{"":0}"#, ["": 0]),
    ] as [(String, JSONValue)]
  )
  func parsesStructure(text: String, expected: JSONValue) throws {
    #expect(try JSONParser.parse(text) == expected)
  }

  @Test(
    arguments: [
      (#""""#, ""),
      (#""abc""#, "abc"),
      (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
      (#""\u0041\u00e9\u20AC""#, "Aé€"),
      (#""\u0000""#, "\u{0}"),
      (#""\uD83D\uDE00""#, "😀"),
      (#""\ud83d\ude00""#, "😀"),
      (#""a\u0062c\n""#, "abc\n"),
      ("\"é€😀 中文\"", "é€😀 中文"),
      ("\"\u{7F}\"", "\u{7F}"),
      ("\"\u{10FFFF}\"", "\u{10FFFF}"),
      (#""\u2028\u2029""#, "\u{2028}\u{2029}"),
      // Lone surrogates are replaced by U+FFFD (Go's behaviour) rather than rejected.
      (#""\uD800""#, "\u{FFFD}"),
      (#""\uDC00""#, "\u{FFFD}"),
      (#""\uDBFFx""#, "\u{FFFD}x"),
      (#""\uD800\u0041""#, "\u{FFFD}A"),
      (#""\uD800\uD800\uDC00""#, "\u{FFFD}\u{10000}"),
      (#""\uDC00\uD800""#, "\u{FFFD}\u{FFFD}"),
      (#""\uD800\n""#, "\u{FFFD}\n"),
    ] as [(String, String)]
  )
  func parsesStrings(text: String, expected: String) throws {
    #expect(try JSONParser.parse(text) == .string(expected))
  }

  @Test func decomposedTextKeepsItsScalars() throws {
    // String equality is canonical equivalence, so compare scalars to prove nothing was normalised.
    let value = try JSONParser.parse(#""e\u0301""#)
    #expect(value.stringValue.map { Array($0.unicodeScalars) } == ["e", "\u{301}"])
  }

  @Test func escapedAndPlainStringsInOneDocumentAllParse() throws {
    // Several escaped strings in a row share the parser's scratch buffer.
    let value = try JSONParser.parse(#"{"a\nb":"x\ty","plain":"\u00e9","k":["\\","\"",""]}"#)
    #expect(value == ["a\nb": "x\ty", "plain": "é", "k": ["\\", "\"", ""]])
  }

  // MARK: Invalid documents

  @Test(
    arguments: [
      ("", "unexpected end of input", 0),
      ("   ", "unexpected end of input", 3),
      ("[", "unexpected end of input", 1),
      ("[1,2", "unexpected end of input", 4),
      (#"{"a":1"#, "unexpected end of input", 6),
      (#"{"a""#, "unexpected end of input", 4),
      (#""abc"#, "unexpected end of input", 4),
      ("-", "unexpected end of input", 1),
      ("1.", "unexpected end of input", 2),
      ("1e", "unexpected end of input", 2),
      ("1e+", "unexpected end of input", 3),
      ("tru", "unexpected end of input", 3),
      ("[1,]", "unexpected character", 3),
      ("[,1]", "unexpected character", 1),
      ("]", "unexpected character", 0),
      ("'a'", "unexpected character", 0),
      ("+1", "unexpected character", 0),
      (".5", "unexpected character", 0),
      ("NaN", "unexpected character", 0),
      ("Infinity", "unexpected character", 0),
      ("True", "unexpected character", 0),
      ("[1 2]", "expected ',' or ']'", 3),
      (#"{"a":1 "b":2}"#, "expected ',' or '}'", 7),
      (#"{"a" 1}"#, "expected ':'", 5),
      (#"{"a":1,}"#, "expected string key", 7),
      ("{a:1}", "expected string key", 1),
      ("{1:1}", "expected string key", 1),
      ("[01]", "invalid number", 1),
      ("01", "invalid number", 0),
      ("-01", "invalid number", 1),
      ("00", "invalid number", 0),
      ("[-]", "invalid number", 2),
      ("-a", "invalid number", 1),
      ("-Infinity", "invalid number", 1),
      ("[1.]", "invalid number", 3),
      ("[1.e3]", "invalid number", 3),
      ("[1e]", "invalid number", 3),
      ("1e400", "number out of range", 0),
      ("[-1e400]", "number out of range", 1),
      ("trUe", "invalid literal", 0),
      ("nulL", "invalid literal", 0),
      ("1 2", "trailing characters", 2),
      ("{}}", "trailing characters", 2),
      ("0x1F", "trailing characters", 1),
      ("1\u{0}", "trailing characters", 1),
      ("\"a\" x", "trailing characters", 4),
      (#""\x""#, "invalid escape", 1),
      (#""\U0041""#, "invalid escape", 1),
      (#""\'""#, "invalid escape", 1),
      (#""\u12""#, "invalid escape", 5),
      (#""\u12G4""#, "invalid escape", 5),
      (#""\uD800\u""#, "invalid escape", 9),
      ("\"\u{1}\"", "unescaped control character in string", 1),
      ("\"a\tb\"", "unescaped control character in string", 2),
      ("\"a\nb\"", "unescaped control character in string", 2),
      ("\"\u{1F}\"", "unescaped control character in string", 1),
      ("\"\\u00e9\u{0}\"", "unescaped control character in string", 7),
    ] as [(String, String, Int)]
  )
  func rejectsInvalidText(text: String, reason: String, offset: Int) {
    #expect(throws: JSONParseError(offset: offset, reason: reason)) {
      try JSONParser.parse(text)
    }
  }

  @Test(
    arguments: [
      ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong "/"
      ([0x22, 0xC1, 0xBF, 0x22], 1),  // overlong
      ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong 3-byte
      ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1),  // overlong 4-byte
      ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // UTF-8-encoded surrogate U+D800
      ([0x22, 0xED, 0xBF, 0xBF, 0x22], 1),  // UTF-8-encoded surrogate U+DFFF
      ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
      ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),
      ([0x22, 0xFF, 0x22], 1),
      ([0x22, 0xFE, 0x22], 1),
      ([0x22, 0x80, 0x22], 1),  // lone continuation byte
      ([0x22, 0x61, 0xBF, 0x22], 2),
      ([0x22, 0xE2, 0x82, 0x22], 1),  // truncated €
      ([0x22, 0xC3, 0x22], 1),  // truncated é
      ([0x22, 0xC3], 1),  // truncated at end of input
      ([0x22, 0xF0, 0x9F, 0x98], 1),  // truncated 😀 at end of input
      ([0x22, 0xF0, 0x9F, 0x98, 0x41, 0x22], 1),
      ([0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22], 3),  // after an escape (slow path)
      ([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], 2),  // in a key
    ] as [([UInt8], Int)]
  )
  func rejectsInvalidUTF8(bytes: [UInt8], offset: Int) {
    #expect(throws: JSONParseError(offset: offset, reason: "invalid UTF-8")) {
      try JSONParser.parse(bytes)
    }
  }

  @Test(
    arguments: [
      [0xC3, 0xA9],  // é outside a string
      [0x5B, 0xFF, 0x5D],
    ] as [[UInt8]]
  )
  func rejectsNonASCIIOutsideStrings(bytes: [UInt8]) {
    #expect(throws: JSONParseError(offset: bytes.count == 2 ? 0 : 1, reason: "unexpected character")) {
      try JSONParser.parse(bytes)
    }
  }

  @Test func acceptsEveryWellFormedUTF8Boundary() throws {
    let scalars: [Unicode.Scalar] = [
      "\u{80}", "\u{7FF}", "\u{800}", "\u{FFF}", "\u{1000}", "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{FFFF}",
      "\u{10000}", "\u{3FFFF}", "\u{40000}", "\u{FFFFF}", "\u{100000}", "\u{10FFFF}",
    ]
    for scalar in scalars {
      let text = "\"" + String(scalar) + "\""
      #expect(try JSONParser.parse(text) == .string(String(scalar)), "U+\(String(scalar.value, radix: 16))")
    }
  }

  @Test func rejectsByteOrderMark() {
    #expect(throws: JSONParseError(offset: 0, reason: "byte order mark not allowed")) {
      try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x31])
    }
  }

  // MARK: Nesting

  @Test(arguments: [1, 100, 500, 512])
  func acceptsNestingUpToTheLimit(depth: Int) throws {
    let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    var value = try JSONParser.parse(arrays)
    for _ in 0..<depth {
      let elements = try #require(value.arrayValue)
      value = elements.first ?? .null
    }
    #expect(value == .null)

    let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    #expect(throws: Never.self) { try JSONParser.parse(objects) }
  }

  @Test(arguments: [513, 600, 10_000])
  func rejectsNestingBeyondTheLimit(depth: Int) {
    let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    #expect(throws: JSONParseError(offset: 512, reason: "nesting too deep")) { try JSONParser.parse(arrays) }
    let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
    #expect(throws: JSONParseError(offset: 512 * 5, reason: "nesting too deep")) { try JSONParser.parse(objects) }
  }

  @Test func sixteenMebibytesOfOpenBracketsFailWithoutExhaustingTheStack() {
    let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 16 << 20)
    #expect(throws: JSONParseError(offset: 512, reason: "nesting too deep")) { try JSONParser.parse(bytes) }
  }

  // MARK: Entry points and error hygiene

  @Test func everyEntryPointParsesTheSameBytes() throws {
    let text = #"{"id":1,"s":"é"}"#
    let expected: JSONValue = ["id": 1, "s": "é"]
    #expect(try JSONParser.parse(text) == expected)
    #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    #expect(try JSONParser.parse(Data(text.utf8)) == expected)
    let padded = Array("xx\(text)yy".utf8)
    #expect(try JSONParser.parse(padded[2..<(padded.count - 2)]) == expected)
    let viaPointer = try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) }
    #expect(viaPointer == expected)
  }

  @Test func emptyInputIsEndOfInput() {
    #expect(throws: JSONParseError(offset: 0, reason: "unexpected end of input")) {
      try JSONParser.parse(UnsafeRawBufferPointer(start: nil, count: 0))
    }
    #expect(throws: JSONParseError(offset: 0, reason: "unexpected end of input")) { try JSONParser.parse(Data()) }
    #expect(throws: JSONParseError(offset: 0, reason: "unexpected end of input")) { try JSONParser.parse([]) }
  }

  @Test(arguments: [
    #"{"token":"dapi-s3cr3t"#,
    #"{"token":"dapi-s3cr3t\q"}"#,
    "{\"token\":\"dapi-s3cr3t\u{1}\"}",
    #"{"token":"dapi-s3cr3t"} dapi-s3cr3t"#,
    #"{"token":dapi-s3cr3t}"#,
  ])
  func errorsNeverQuoteTheInput(text: String) {
    do {
      _ = try JSONParser.parse(text)
      Issue.record("expected a parse error")
    } catch {
      #expect(!error.reason.contains("s3cr3t"))
      #expect(!error.description.contains("s3cr3t"))
      #expect(error.description == "invalid JSON at byte \(error.offset): \(error.reason)")
    }
  }
}
