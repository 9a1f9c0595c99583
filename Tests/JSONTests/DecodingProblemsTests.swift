import Foundation
import JSON
import Testing

@Suite struct DecodingProblemsTests {
  struct Endpoint: Decodable {
    var port: Int

    private enum CodingKeys: String, CodingKey { case port }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      port = try container.decode(Int.self, forKey: .port)
      guard (1...65_535).contains(port) else {
        throw DecodingError.dataCorruptedError(
          forKey: .port,
          in: container,
          debugDescription: "must be between 1 and 65535"
        )
      }
    }
  }

  struct Config: Decodable {
    var endpoints: [Endpoint]
  }

  enum Mode: String, Decodable {
    case fast, safe
  }

  struct Options: Decodable {
    var mode: Mode
  }

  struct SingleValueValidated: Decodable {
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a profile name")
    }
  }

  private func problems<T: Decodable>(_ type: T.Type, _ value: JSONValue) -> [String] {
    do {
      _ = try JSONValueDecoder().decode(type, from: value)
      Issue.record("decoding should have failed")
      return []
    } catch {
      return JSONValueDecoder.problems(from: error).map { "\($0.path)|\($0.message)" }
    }
  }

  @Test func customValidationMessagesAreUsedAsIs() {
    #expect(
      problems(Config.self, ["endpoints": [["port": 443], ["port": 70_000]]]) == [
        "/endpoints/1/port|must be between 1 and 65535"
      ]
    )
    #expect(problems(SingleValueValidated.self, ["a": 1]) == ["|must be a profile name"])
  }

  @Test func invalidEnumRawValuesDoNotEchoTheValue() {
    let found = problems(Options.self, ["mode": "dapi-secret-value"])
    #expect(found == ["/mode|has an unsupported value"])
    #expect(!found.joined().contains("secret"))
    #expect(problems(Options.self, ["mode": 1]) == ["/mode|must be a string"])
  }

  @Test(
    arguments: [
      ([], ""),
      (["a"], "/a"),
      (["a/b", "~x"], "/a~1b/~0x"),
      (["", "0"], "//0"),
    ] as [([String], String)]
  )
  func pathsAreJSONPointers(keys: [String], pointer: String) {
    let path: [any CodingKey] = keys.map { StringKey(stringValue: $0) }
    let error = DecodingError.keyNotFound(
      StringKey(stringValue: "k"),
      .init(codingPath: path, debugDescription: "")
    )
    let problems = JSONValueDecoder.problems(from: error)
    #expect(problems.map(\.path) == [pointer + "/k"])
    #expect(problems.map(\.message) == ["is required"])
  }

  struct FoundationParams: Decodable {
    var tokenIds: [String]
    var nested: [String: Bool]?
  }

  private func foundationProblems(_ text: String) -> [String] {
    do {
      _ = try JSONDecoder().decode(FoundationParams.self, from: Data(text.utf8))
      Issue.record("decoding \(text) should have failed")
      return []
    } catch {
      return JSONValueDecoder.problems(from: error).map { "\($0.path)|\($0.message)" }
    }
  }

  @Test func foundationDecoderErrorsMapTheSameWay() {
    #expect(foundationProblems(#"{"tokenIds":["a",2]}"#) == ["/tokenIds/1|must be a string"])
    #expect(foundationProblems(#"{}"#) == ["/tokenIds|is required"])
    #expect(foundationProblems(#"{"tokenIds":{}}"#) == ["/tokenIds|must be an array"])
    #expect(foundationProblems(#"{"tokenIds":[],"nested":[]}"#) == ["/nested|must be an object"])
    #expect(foundationProblems(#"{"tokenIds":[],"nested":{"x":"y"}}"#) == ["/nested/x|must be a boolean"])
  }

  @Test func foundationMessagesQuotingTheValueAreReplaced() {
    let error = DecodingError.dataCorrupted(
      .init(
        codingPath: [StringKey(stringValue: "count")],
        debugDescription: "Parsed JSON number <300> does not fit in Int8."
      )
    )
    #expect(JSONValueDecoder.problems(from: error).map { "\($0.path)|\($0.message)" } == ["/count|is out of range"])
  }

  @Test func otherErrorsBecomeOneRootProblem() {
    struct Unrelated: Error {}
    let problems = JSONValueDecoder.problems(from: Unrelated())
    #expect(problems.map(\.path) == [""])
    #expect(problems.map(\.message) == ["is invalid"])
    let empty = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: ""))
    #expect(JSONValueDecoder.problems(from: empty).map(\.message) == ["is invalid"])
  }

  @Test func typeMismatchForAnUnknownTypeStillHasAMessage() {
    struct Custom {}
    let error = DecodingError.typeMismatch(Custom.self, .init(codingPath: [], debugDescription: "x"))
    #expect(JSONValueDecoder.problems(from: error).map(\.message) == ["has the wrong type"])
    let missing = DecodingError.valueNotFound(Custom.self, .init(codingPath: [], debugDescription: "x"))
    #expect(JSONValueDecoder.problems(from: missing).map(\.message) == ["must not be null"])
  }
}
