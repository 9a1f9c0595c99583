import JSON
import TestSupport
import Testing

/// The transcript matching rules as a pure value: multiset matching, placeholders, and per-request order.
/// Half of these prove the matcher fails when it should, since a matcher that always passes proves nothing.
@Suite struct TranscriptMatcherTests {
  static func json(_ text: String) -> JSONValue { try! JSONParser.parse(text) }

  static func failure(expected: [String], actual: [String], tokens: [JSONValue: JSONValue] = [:]) -> String? {
    TranscriptMatcher(expected: expected.map(json), progressTokens: tokens).failure(matching: actual.map(json))
  }

  static let ping1 = #"{"jsonrpc":"2.0","id":1,"result":{}}"#
  static let ping2 = #"{"jsonrpc":"2.0","id":2,"result":{}}"#
  static let parseError = #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#

  static func progress(_ token: Int, _ step: Int) -> String {
    #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":\#(token),"progress":\#(step)}}"#
  }

  @Test func linesMatchInAnyOrderIgnoringKeyOrderAndWhitespace() {
    let reordered = #"{ "result": {}, "id": 2, "jsonrpc": "2.0" }"#
    #expect(
      Self.failure(
        expected: [Self.ping1, Self.ping2, Self.parseError],
        actual: [Self.parseError, reordered, Self.ping1]
      ) == nil
    )
    #expect(Self.failure(expected: [], actual: []) == nil)
  }

  @Test func aChangedValueFailsAndNamesTheLineAndThePath() throws {
    let failure = try #require(
      Self.failure(
        expected: [Self.ping1, Self.ping2],
        actual: [Self.ping1, #"{"jsonrpc":"2.0","id":2,"result":{"x":1}}"#]
      )
    )
    #expect(failure.contains(#"line 2: {"id":2,"jsonrpc":"2.0","result":{}}"#))
    #expect(failure.contains(#"closest output line differs at /result: unexpected key "x""#))
    #expect(failure.contains(#"output 2: {"id":2,"jsonrpc":"2.0","result":{"x":1}}"#))
  }

  @Test func aMissingLineFails() throws {
    let failure = try #require(Self.failure(expected: [Self.ping1, Self.ping2], actual: [Self.ping2]))
    #expect(failure.contains("expected lines with no matching output line:\n  line 1: "))
    #expect(!failure.contains("output lines the transcript does not list"))
  }

  @Test func anExtraLineFails() throws {
    let failure = try #require(Self.failure(expected: [Self.ping1], actual: [Self.ping1, Self.parseError]))
    #expect(failure.contains("output lines the transcript does not list:\n  output 2: "))
    #expect(!failure.contains("expected lines with no matching output line"))
  }

  @Test func eachExpectedLineConsumesExactlyOneOutputLine() {
    #expect(Self.failure(expected: [Self.parseError, Self.parseError], actual: [Self.parseError]) != nil)
    #expect(Self.failure(expected: [Self.parseError], actual: [Self.parseError, Self.parseError]) != nil)
    #expect(
      Self.failure(expected: [Self.parseError, Self.parseError], actual: [Self.parseError, Self.parseError]) == nil
    )
  }

  @Test(arguments: [
    (#""<<any>>""#, #"null"#, true),
    (#""<<any>>""#, #"{"a":[1,2]}"#, true),
    (#""<<any>>""#, #""text""#, true),
    (#""<<string>>""#, #""text""#, true),
    (#""<<string>>""#, #""""#, true),
    (#""<<string>>""#, #"7"#, false),
    (#""<<string>>""#, #"null"#, false),
    (#""<<number>>""#, #"7"#, true),
    (#""<<number>>""#, #"-1.5"#, true),
    (#""<<number>>""#, #""7""#, false),
    (#""<<number>>""#, #"true"#, false),
    (#"{"id":"<<number>>","a":"<<string>>"}"#, #"{"a":"x","id":3}"#, true),
    (#"{"id":"<<number>>"}"#, #"{"id":"3"}"#, false),
    (#"{"a":"<<any>>"}"#, #"{}"#, false),
    (#""<<strin>>""#, #""text""#, false),
  ])
  func placeholdersMatchOnlyTheirType(expected: String, actual: String, matches: Bool) {
    #expect(TranscriptMatcher.value(Self.json(actual), matches: Self.json(expected)) == matches)
  }

  @Test func aPlaceholderOfTheWrongTypeFailsTheTranscript() throws {
    let failure = try #require(
      Self.failure(
        expected: [#"{"jsonrpc":"2.0","id":1,"result":{"count":"<<number>>"}}"#],
        actual: [#"{"jsonrpc":"2.0","id":1,"result":{"count":"3"}}"#]
      )
    )
    #expect(failure.contains(#"/result/count: expected "<<number>>", got "3""#))
  }

  @Test(arguments: [
    ("1", "1.0"), ("1", #""1""#), ("null", "false"), ("[1,2]", "[2,1]"), ("[1]", "[1,1]"),
    (#"{"a":1}"#, #"{"a":1,"b":2}"#),
    (#"{"a":1,"b":2}"#, #"{"a":1}"#), ("{}", "[]"),
  ])
  func structurallyDifferentValuesDoNotMatch(expected: String, actual: String) {
    #expect(!TranscriptMatcher.value(Self.json(actual), matches: Self.json(expected)))
    #expect(TranscriptMatcher.difference(expected: Self.json(expected), actual: Self.json(actual)) != nil)
  }

  /// A placeholder line that could take either output line must not take the one a specific line needs.
  @Test func matchingIsMaximalNotGreedy() {
    let anyResponse = #"{"jsonrpc":"2.0","id":"<<any>>","result":{}}"#
    #expect(Self.failure(expected: [anyResponse, Self.ping1], actual: [Self.ping1, Self.ping2]) == nil)
  }

  @Test func progressMustArriveBeforeItsResponse() throws {
    let expected = [Self.progress(5, 1), Self.progress(5, 2), Self.ping1]
    let tokens: [JSONValue: JSONValue] = [5: 1]
    #expect(Self.failure(expected: expected, actual: expected, tokens: tokens) == nil)

    let late = try #require(
      Self.failure(expected: expected, actual: [Self.progress(5, 1), Self.ping1, Self.progress(5, 2)], tokens: tokens)
    )
    #expect(late.contains("request 1: its lines arrived out of the order of expected lines 1, 2, 3:"))
    let swapped = [Self.progress(5, 2), Self.progress(5, 1), Self.ping1]
    #expect(Self.failure(expected: expected, actual: swapped, tokens: tokens) != nil)
    // Without the token's request known, the lines are only a multiset.
    #expect(Self.failure(expected: expected, actual: swapped) == nil)
  }

  @Test func linesOfDifferentRequestsMayInterleave() {
    let expected = [Self.progress(1, 1), Self.ping1, Self.progress(2, 1), Self.ping2]
    let actual = [Self.progress(2, 1), Self.progress(1, 1), Self.ping2, Self.ping1]
    #expect(Self.failure(expected: expected, actual: actual, tokens: [1: 1, 2: 2]) == nil)
  }

  /// Two identical progress lines of one request may be matched either way round without a false alarm.
  @Test func identicalLinesOfOneRequestDoNotRaiseFalseOrderAlarms() {
    let expected = [Self.progress(1, 1), Self.progress(1, 1), Self.ping1]
    #expect(Self.failure(expected: expected, actual: expected, tokens: [1: 1]) == nil)
  }

  @Test func failuresUseTheFileLineNumbersWhenGiven() throws {
    let matcher = TranscriptMatcher(expected: [Self.json(Self.ping1)], lineNumbers: [42])
    let failure = try #require(matcher.failure(matching: []))
    #expect(failure.contains("line 42: "))
  }
}
