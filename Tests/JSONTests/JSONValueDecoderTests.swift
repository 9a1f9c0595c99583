import Foundation
import JSON
import Testing

@Suite struct JSONValueDecoderTests {
  struct Window: Codable, Equatable {
    var start: Int
    var end: Int?
  }

  /// Shaped like a request's params: required and optional fields, nested arrays, a nested object, `_meta`.
  struct Params: Codable, Equatable {
    var profile: String
    var tokenIds: [String]
    var limit: Int?
    var verbose: Bool?
    var scopes: [[String]]?
    var window: Window?
    var ratio: Double?
    var meta: JSONValue?

    enum CodingKeys: String, CodingKey {
      case profile, tokenIds, limit, verbose, scopes, window, ratio
      case meta = "_meta"
    }
  }

  private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONValueDecoder().decode(type, from: JSONParser.parse(text))
  }

  /// The problems for decoding `text` as `T`; records an issue if decoding unexpectedly succeeds.
  private func problems<T: Decodable>(_ type: T.Type, _ text: String) throws -> [String] {
    let value = try JSONParser.parse(text)
    do {
      _ = try JSONValueDecoder().decode(type, from: value)
      Issue.record("decoding \(text) should have failed")
      return []
    } catch {
      return JSONValueDecoder.problems(from: error).map { "\($0.path) \($0.message)" }
    }
  }

  // MARK: Successful decoding

  @Test func decodesAllFields() throws {
    let params = try decode(
      Params.self,
      #"""
      {"profile":"dev","tokenIds":["a","b"],"limit":5,"verbose":true,"scopes":[["x"],[]],
       "window":{"start":1,"end":2},"ratio":0.5,"_meta":{"progressToken":5}}
      """#
    )
    #expect(
      params
        == Params(
          profile: "dev",
          tokenIds: ["a", "b"],
          limit: 5,
          verbose: true,
          scopes: [["x"], []],
          window: Window(start: 1, end: 2),
          ratio: 0.5,
          meta: ["progressToken": 5]
        )
    )
  }

  @Test func missingAndNullOptionalsAreNil() throws {
    let expected = Params(profile: "p", tokenIds: [])
    #expect(try decode(Params.self, #"{"profile":"p","tokenIds":[]}"#) == expected)
    #expect(
      try decode(
        Params.self,
        #"{"profile":"p","tokenIds":[],"limit":null,"verbose":null,"scopes":null,"window":null,"ratio":null}"#
      ) == expected
    )
  }

  @Test func explicitNullForAJSONValueFieldIsNilNotNullValue() throws {
    // decodeIfPresent treats null as absent for every type, including JSONValue.
    #expect(try decode(Params.self, #"{"profile":"p","tokenIds":[],"_meta":null}"#).meta == nil)
  }

  @Test func integralDoublesDecodeAsIntegers() throws {
    #expect(try decode(Params.self, #"{"profile":"p","tokenIds":[],"limit":5.0}"#).limit == 5)
    #expect(try decode(Params.self, #"{"profile":"p","tokenIds":[],"limit":-2e0}"#).limit == -2)
    #expect(try decode(Int8.self, "1.27e2") == 127)
  }

  @Test func floatingPointDecodesFromIntegersToo() throws {
    #expect(try decode(Params.self, #"{"profile":"p","tokenIds":[],"ratio":2}"#).ratio == 2)
    #expect(try decode(Float.self, "3") == 3)
    #expect(try decode(Float.self, "0.25") == 0.25)
  }

  struct AllIntegers: Codable, Equatable {
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
  }

  @Test func decodesEveryIntegerTypeAtItsLimits() throws {
    let text = """
      {"int":-9223372036854775808,"int8":-128,"int16":32767,"int32":-2147483648,"int64":9223372036854775807,
       "uint":0,"uint8":255,"uint16":65535.0,"uint32":4294967295,"uint64":9223372036854775807}
      """
    let decoded = try decode(AllIntegers.self, text)
    #expect(
      decoded
        == AllIntegers(
          int: .min,
          int8: .min,
          int16: .max,
          int32: .min,
          int64: .max,
          uint: 0,
          uint8: .max,
          uint16: .max,
          uint32: .max,
          uint64: UInt64(Int64.max)
        )
    )
  }

  struct AllOptionals: Decodable {
    var bool: Bool?
    var string: String?
    var double: Double?
    var float: Float?
    var int: Int?
    var int8: Int8?
    var int16: Int16?
    var int32: Int32?
    var int64: Int64?
    var uint: UInt?
    var uint8: UInt8?
    var uint16: UInt16?
    var uint32: UInt32?
    var uint64: UInt64?
    var nested: Window?
  }

  @Test func everyOptionalPrimitiveIsNilForNullAndSetOtherwise() throws {
    let names = [
      "bool", "string", "double", "float", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
      "uint32", "uint64", "nested",
    ]
    let nulls = JSONValue.object(Dictionary(uniqueKeysWithValues: names.map { ($0, JSONValue.null) }))
    let allNil = try JSONValueDecoder().decode(AllOptionals.self, from: nulls)
    #expect(allNil.bool == nil && allNil.string == nil && allNil.double == nil && allNil.float == nil)
    #expect(allNil.int == nil && allNil.int8 == nil && allNil.int16 == nil && allNil.int32 == nil)
    #expect(allNil.int64 == nil && allNil.uint == nil && allNil.uint8 == nil && allNil.uint16 == nil)
    #expect(allNil.uint32 == nil && allNil.uint64 == nil && allNil.nested == nil)

    var members = Dictionary(uniqueKeysWithValues: names.map { ($0, JSONValue.int(1)) })
    members["bool"] = true
    members["string"] = "s"
    members["nested"] = ["start": 3]
    let allSet = try JSONValueDecoder().decode(AllOptionals.self, from: .object(members))
    #expect(allSet.bool == true && allSet.string == "s" && allSet.double == 1 && allSet.float == 1)
    #expect(allSet.int == 1 && allSet.int8 == 1 && allSet.int16 == 1 && allSet.int32 == 1)
    #expect(allSet.int64 == 1 && allSet.uint == 1 && allSet.uint8 == 1 && allSet.uint16 == 1)
    #expect(allSet.uint32 == 1 && allSet.uint64 == 1 && allSet.nested == Window(start: 3))
  }

  @Test func jsonValueIsReturnedAsIsIncludingIntegralDoubles() throws {
    struct Holder: Decodable {
      var value: JSONValue
      var list: [JSONValue]
    }
    let holder = try decode(Holder.self, #"{"value":5.0,"list":[1,1.0,{"a":null}]}"#)
    #expect(holder.value == .double(5))
    if case .double = holder.value {} else { Issue.record("5.0 must stay a double") }
    #expect(holder.list == [.int(1), .double(1), ["a": nil]])
    let whole: JSONValue = ["x": [1, 2.5]]
    #expect(try JSONValueDecoder().decode(JSONValue.self, from: whole) == whole)
  }

  @Test func decodesDictionariesAndTopLevelPrimitives() throws {
    #expect(try decode([String: Int].self, #"{"a":1,"b":2}"#) == ["a": 1, "b": 2])
    #expect(try decode([Int: String].self, #"{"1":"a"}"#) == [1: "a"])
    #expect(try decode([String?].self, #"["a",null]"#) == ["a", nil])
    #expect(try decode(String.self, #""s""#) == "s")
    #expect(try decode(Bool.self, "false") == false)
    #expect(try decode(Double.self, "1e3") == 1000)
    #expect(try decode(Int64.self, "-5") == -5)
    #expect(try decode(Int?.self, "null") == nil)
  }

  struct Collections: Decodable {
    var ints: [Int]?
    var strings: [String]?
    var values: [JSONValue]?
    var members: [String: JSONValue]?
    var int8s: [Int8]?
  }

  @Test func commonCollectionsDecodeAndReportElementPaths() throws {
    let decoded = try decode(
      Collections.self,
      #"{"ints":[1,2.0,-3],"strings":["a"],"values":[1,"x",null],"members":{"k":[true]},"int8s":[]}"#
    )
    #expect(decoded.ints == [1, 2, -3])
    #expect(decoded.strings == ["a"])
    #expect(decoded.values == [1, "x", nil])
    #expect(decoded.members == ["k": [true]])
    #expect(decoded.int8s == [])
    #expect(try problems(Collections.self, #"{"ints":[1,"2"]}"#) == ["/ints/1 must be an integer"])
    #expect(try problems(Collections.self, #"{"ints":[1,2.5]}"#) == ["/ints/1 must be an integer"])
    #expect(try problems(Collections.self, #"{"ints":{}}"#) == ["/ints must be an array"])
    #expect(try problems(Collections.self, #"{"strings":[null]}"#) == ["/strings/0 must be a string"])
    #expect(try problems(Collections.self, #"{"values":{}}"#) == ["/values must be an array"])
    #expect(try problems(Collections.self, #"{"members":[]}"#) == ["/members must be an object"])
    #expect(try problems(Collections.self, #"{"int8s":[1,1000]}"#) == ["/int8s/1 is out of range"])
  }

  @Test func topLevelMemberDictionaryLeavesNoUnknownKeys() throws {
    var unknown = ["stale"]
    let members = try JSONValueDecoder().decode(
      [String: JSONValue].self,
      from: ["a": 1, "b": [2]],
      unknownTopLevelKeys: &unknown
    )
    #expect(members == ["a": 1, "b": [2]])
    #expect(unknown.isEmpty)
  }

  @Test func decodesURLFromAString() throws {
    #expect(try decode(URL.self, #""https://example.com/a?b=c""#) == URL(string: "https://example.com/a?b=c"))
    struct Host: Decodable { var host: URL }
    #expect(try problems(Host.self, #"{"host":1}"#) == ["/host must be a string"])
  }

  // MARK: Failures and their problems

  @Test(
    arguments: [
      (#"{"tokenIds":["a"]}"#, "/profile is required"),
      (#"{"profile":1,"tokenIds":[]}"#, "/profile must be a string"),
      (#"{"profile":null,"tokenIds":[]}"#, "/profile must be a string"),
      (#"{"profile":"p","tokenIds":["a",2]}"#, "/tokenIds/1 must be a string"),
      (#"{"profile":"p","tokenIds":"a"}"#, "/tokenIds must be an array"),
      (#"{"profile":"p","tokenIds":null}"#, "/tokenIds must be an array"),
      (#"{"profile":"p","tokenIds":[],"limit":"5"}"#, "/limit must be an integer"),
      (#"{"profile":"p","tokenIds":[],"limit":1.5}"#, "/limit must be an integer"),
      (#"{"profile":"p","tokenIds":[],"limit":true}"#, "/limit must be an integer"),
      (#"{"profile":"p","tokenIds":[],"limit":1e30}"#, "/limit is out of range"),
      (#"{"profile":"p","tokenIds":[],"limit":9223372036854775808}"#, "/limit is out of range"),
      (#"{"profile":"p","tokenIds":[],"verbose":1}"#, "/verbose must be a boolean"),
      (#"{"profile":"p","tokenIds":[],"verbose":"true"}"#, "/verbose must be a boolean"),
      (#"{"profile":"p","tokenIds":[],"ratio":"0.5"}"#, "/ratio must be a number"),
      (#"{"profile":"p","tokenIds":[],"scopes":[["a"],[1]]}"#, "/scopes/1/0 must be a string"),
      (#"{"profile":"p","tokenIds":[],"scopes":[["a"],"b"]}"#, "/scopes/1 must be an array"),
      (#"{"profile":"p","tokenIds":[],"window":[]}"#, "/window must be an object"),
      (#"{"profile":"p","tokenIds":[],"window":{}}"#, "/window/start is required"),
      (#"{"profile":"p","tokenIds":[],"window":{"start":"1"}}"#, "/window/start must be an integer"),
      (#"{"profile":"p","tokenIds":[],"window":{"start":1,"end":0.5}}"#, "/window/end must be an integer"),
      ("[]", " must be an object"),
      ("null", " must be an object"),
      (#""params""#, " must be an object"),
    ] as [(String, String)]
  )
  func reportsProblemsWithJSONPointerPaths(text: String, expected: String) throws {
    #expect(try problems(Params.self, text) == [expected])
  }

  @Test(
    arguments: [
      ("200", "is out of range"),
      ("-129", "is out of range"),
      ("128.0", "is out of range"),
      ("1.5", "must be an integer"),
      ("\"1\"", "must be an integer"),
    ] as [(String, String)]
  )
  func int8IsRangeChecked(text: String, message: String) throws {
    #expect(try problems(Int8.self, text) == [" \(message)"])
  }

  @Test func unsignedIntegersRejectNegatives() throws {
    #expect(try problems(UInt8.self, "-1") == [" is out of range"])
    #expect(try problems(UInt64.self, "-1") == [" is out of range"])
    #expect(try problems(UInt64.self, "-1.0") == [" is out of range"])
  }

  @Test func floatRejectsDoublesBeyondItsRange() throws {
    #expect(try problems(Float.self, "1e300") == [" is out of range"])
    #expect(try decode(Double.self, "1e300") == 1e300)
  }

  @Test func stringsAndBoolsAreNeverCoerced() throws {
    #expect(try problems(String.self, "7") == [" must be a string"])
    #expect(try problems(Bool.self, "0") == [" must be a boolean"])
    #expect(try problems(Bool.self, "\"true\"") == [" must be a boolean"])
    #expect(try problems(Double.self, "\"1\"") == [" must be a number"])
    #expect(try problems(Double.self, "null") == [" must be a number"])
  }

  @Test func errorsCarryTheCodingPath() throws {
    let value = try JSONParser.parse(#"{"profile":"p","tokenIds":["a",2]}"#)
    do {
      _ = try JSONValueDecoder().decode(Params.self, from: value)
      Issue.record("expected a type mismatch")
    } catch DecodingError.typeMismatch(let type, let context) {
      #expect(ObjectIdentifier(type) == ObjectIdentifier(String.self))
      #expect(context.codingPath.map(\.stringValue) == ["tokenIds", "Index 1"])
      #expect(context.codingPath.last?.intValue == 1)
      #expect(!context.debugDescription.contains("2"))
    }
  }

  // MARK: Unknown top-level keys

  @Test func reportsUnknownTopLevelKeysSorted() throws {
    let value = try JSONParser.parse(
      #"{"zeta":1,"profile":"p","tokenIds":[],"extra":{"x":1},"limit":null,"_meta":{},"Alpha":0}"#
    )
    var unknown: [String] = ["stale"]
    let params = try JSONValueDecoder().decode(Params.self, from: value, unknownTopLevelKeys: &unknown)
    #expect(params.profile == "p")
    // limit (asked via decodeIfPresent, even though null) and _meta are known; nested keys are not checked.
    #expect(unknown == ["Alpha", "extra", "zeta"])
  }

  @Test func keysAskedOnlyThroughDecodeIfPresentOrContainsAreKnown() throws {
    struct Probe: Decodable {
      init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: StringKey.self)
        _ = container.contains(StringKey(stringValue: "checked"))
        _ = try container.decodeIfPresent(String.self, forKey: StringKey(stringValue: "optional"))
        _ = try container.decodeNil(forKey: StringKey(stringValue: "nullable"))
        _ = try container.nestedContainer(keyedBy: StringKey.self, forKey: StringKey(stringValue: "nested"))
      }
    }
    var unknown: [String] = []
    _ = try JSONValueDecoder().decode(
      Probe.self,
      from: ["checked": 1, "optional": nil, "nullable": nil, "nested": ["deep": 1], "other": 2],
      unknownTopLevelKeys: &unknown
    )
    #expect(unknown == ["other"])
  }

  @Test func unknownKeysCannotBeReportedForWholeValuesOrNonObjects() throws {
    var unknown = ["stale"]
    _ = try JSONValueDecoder().decode(JSONValue.self, from: ["a": 1], unknownTopLevelKeys: &unknown)
    #expect(unknown.isEmpty)
    unknown = ["stale"]
    _ = try JSONValueDecoder().decode([String: Int].self, from: ["a": 1, "b": 2], unknownTopLevelKeys: &unknown)
    #expect(unknown.isEmpty)
    unknown = ["stale"]
    _ = try JSONValueDecoder().decode([Int].self, from: [1], unknownTopLevelKeys: &unknown)
    #expect(unknown.isEmpty)
  }

  @Test func unknownKeysAreTrackedThroughASingleValueWrapper() throws {
    struct Wrapper: Decodable {
      var params: Window
      init(from decoder: any Decoder) throws {
        params = try decoder.singleValueContainer().decode(Window.self)
      }
    }
    var unknown: [String] = []
    let wrapper = try JSONValueDecoder().decode(
      Wrapper.self,
      from: ["start": 1, "typo": 2],
      unknownTopLevelKeys: &unknown
    )
    #expect(wrapper.params == Window(start: 1))
    #expect(unknown == ["typo"])
  }

  // MARK: Containers

  /// Decodes `[count, [x, y], {"k": v}, null, "super"...]` by hand to exercise every container operation.
  struct Manual: Decodable, Equatable {
    var count: Int
    var pair: [Double]
    var keyed: String
    var sawNull: Bool
    var viaSuper: String
    var rest: Int

    init(count: Int, pair: [Double], keyed: String, sawNull: Bool, viaSuper: String, rest: Int) {
      self.count = count
      self.pair = pair
      self.keyed = keyed
      self.sawNull = sawNull
      self.viaSuper = viaSuper
      self.rest = rest
    }

    init(from decoder: any Decoder) throws {
      var outer = try decoder.unkeyedContainer()
      rest = outer.count ?? -1
      count = try outer.decode(Int.self)
      var inner = try outer.nestedUnkeyedContainer()
      pair = []
      while !inner.isAtEnd { pair.append(try inner.decode(Double.self)) }
      let keyedContainer = try outer.nestedContainer(keyedBy: StringKey.self)
      keyed = try keyedContainer.decode(String.self, forKey: StringKey(stringValue: "k"))
      sawNull = try outer.decodeNil()
      viaSuper = try outer.superDecoder().singleValueContainer().decode(String.self)
      #expect(outer.isAtEnd)
      #expect(outer.currentIndex == 5)
    }
  }

  @Test func unkeyedContainersSupportNestingNilAndSuper() throws {
    let manual = try decode(Manual.self, #"[3,[1,2.5],{"k":"v"},null,"s"]"#)
    #expect(manual == Manual(count: 3, pair: [1, 2.5], keyed: "v", sawNull: true, viaSuper: "s", rest: 5))
  }

  @Test func unkeyedDecodeNilDoesNotAdvanceOnNonNull() throws {
    struct Peek: Decodable {
      var value: Int
      init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        #expect(try container.decodeNil() == false)
        #expect(container.currentIndex == 0)
        value = try container.decode(Int.self)
      }
    }
    #expect(try decode(Peek.self, "[7]").value == 7)
  }

  @Test func readingPastTheEndOfAnArrayIsValueNotFoundAtThatIndex() throws {
    struct Triple: Decodable {
      init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        for _ in 0..<3 { _ = try container.decode(String.self) }
      }
    }
    #expect(try problems(Triple.self, #"["a","b"]"#) == ["/2 must be a string"])
  }

  @Test func failedUnkeyedDecodeDoesNotAdvance() throws {
    struct Retry: Decodable {
      var value: String
      init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        if let int = try? container.decode(Int.self) {
          value = "int \(int)"
        } else {
          value = try container.decode(String.self)
        }
      }
    }
    #expect(try decode(Retry.self, #"["x"]"#).value == "x")
  }

  class Base: Decodable {
    var name: String
    private enum CodingKeys: String, CodingKey { case name }
    required init(from decoder: any Decoder) throws {
      name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
    }
  }

  final class Derived: Base {
    var level: Int
    private enum CodingKeys: String, CodingKey { case level, base }
    required init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      level = try container.decode(Int.self, forKey: .level)
      try super.init(from: container.superDecoder(forKey: .base))
    }
  }

  @Test func superDecoderForKeyDecodesTheParentPart() throws {
    let derived = try decode(Derived.self, #"{"level":2,"base":{"name":"n"}}"#)
    #expect(derived.level == 2 && derived.name == "n")
    #expect(try problems(Derived.self, #"{"level":2}"#) == ["/base must be an object"])
  }

  @Test func superDecoderWithoutKeyUsesSuper() throws {
    struct Child: Decodable {
      var name: String
      init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: StringKey.self)
        name = try Base(from: container.superDecoder()).name
      }
    }
    #expect(try decode(Child.self, #"{"super":{"name":"b"}}"#).name == "b")
  }

  @Test func allKeysListsTheObjectsKeys() throws {
    struct Keys: Decodable {
      var keys: [String]
      init(from decoder: any Decoder) throws {
        keys = try decoder.container(keyedBy: StringKey.self).allKeys.map(\.stringValue).sorted()
      }
    }
    #expect(try decode(Keys.self, #"{"b":1,"a":null}"#).keys == ["a", "b"])
  }
}
