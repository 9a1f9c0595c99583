import Foundation
import JSON
import Testing

@Suite struct JSONValueEncoderTests {
  struct Token: Codable, Equatable {
    var id: String
    var expiresIn: Int
    var scopes: [String]
  }

  struct Response: Codable, Equatable {
    var profile: String
    var host: URL
    var tokens: [Token]
    var note: String?
    var count: Int?
    var ratio: Double
    var extra: JSONValue
    var flags: [String: Bool]
  }

  private func compact(_ value: some Encodable) throws -> String {
    JSONWriter.string(try JSONValueEncoder().encode(value))
  }

  @Test func encodesNestedStructsToTheExpectedCompactSortedText() throws {
    let response = Response(
      profile: "dev",
      host: try #require(URL(string: "https://adb-1.azuredatabricks.net/")),
      tokens: [
        Token(id: "t1", expiresIn: 3600, scopes: ["all-apis"]),
        Token(id: "t2", expiresIn: 0, scopes: []),
      ],
      note: nil,
      count: nil,
      ratio: 0.5,
      extra: ["_meta": ["progressToken": 5], "list": [1, 2.5, nil]],
      flags: ["b": false, "a": true]
    )
    let expected = #"""
      {"extra":{"_meta":{"progressToken":5},"list":[1,2.5,null]},"flags":{"a":true,"b":false},\#
      "host":"https://adb-1.azuredatabricks.net/","profile":"dev","ratio":0.5,\#
      "tokens":[{"expiresIn":3600,"id":"t1","scopes":["all-apis"]},{"expiresIn":0,"id":"t2","scopes":[]}]}
      """#
    #expect(try compact(response) == expected)
    #expect(try JSONValueDecoder().decode(Response.self, from: JSONValueEncoder().encode(response)) == response)
  }

  @Test func nilOptionalsAreOmittedButEncodeNilWritesNull() throws {
    struct Explicit: Encodable {
      var present: String?
      var absent: String?
      private enum CodingKeys: String, CodingKey { case present, absent, forcedNull }
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(present, forKey: .present)
        try container.encodeIfPresent(absent, forKey: .absent)
        try container.encodeNil(forKey: .forcedNull)
      }
    }
    #expect(try compact(Explicit(present: "x", absent: nil)) == #"{"forcedNull":null,"present":"x"}"#)
  }

  struct Numbers: Encodable {
    var int = Int.min
    var int8 = Int8.min
    var int16 = Int16.max
    var int32 = Int32.min
    var int64 = Int64.max
    var uint = UInt(42)
    var uint8 = UInt8.max
    var uint16 = UInt16.max
    var uint32 = UInt32.max
    var uint64 = UInt64(Int64.max)
    var double = -0.25
    var float = Float(0.1)
    var bool = true
  }

  @Test func numbersKeepTheirKind() throws {
    let value = try JSONValueEncoder().encode(Numbers())
    let expected: JSONValue = [
      "int": .int(.min), "int8": -128, "int16": 32767, "int32": .int(Int64(Int32.min)), "int64": .int(.max),
      "uint": 42, "uint8": 255, "uint16": 65535, "uint32": .int(Int64(UInt32.max)), "uint64": .int(.max),
      "double": .double(-0.25), "float": .double(0.1), "bool": true,
    ]
    #expect(value == expected)
    if case .double = value["double"] {} else { Issue.record("double must encode as .double") }
    if case .int = value["int8"] {} else { Issue.record("Int8 must encode as .int") }
  }

  @Test func integersBeyondInt64AreRejected() {
    #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(UInt64.max) }
    #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([UInt(Int64.max) + 1]) }
  }

  @Test(arguments: [Double.nan, .infinity, -.infinity])
  func nonFiniteDoublesAreRejected(double: Double) {
    #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(double) }
    #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(["x": double]) }
    #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Float(double)]) }
  }

  @Test func nonFiniteErrorCarriesThePath() throws {
    struct Holder: Encodable { var values: [Double] }
    do {
      _ = try JSONValueEncoder().encode(Holder(values: [1, .nan]))
      Issue.record("expected an error")
    } catch EncodingError.invalidValue(_, let context) {
      #expect(context.codingPath.map(\.stringValue) == ["values", "Index 1"])
    }
  }

  @Test func topLevelPrimitivesAndCollections() throws {
    #expect(try JSONValueEncoder().encode("s") == "s")
    #expect(try JSONValueEncoder().encode(7) == 7)
    #expect(try JSONValueEncoder().encode(true) == true)
    #expect(try JSONValueEncoder().encode(Int?.none) == nil)
    #expect(try JSONValueEncoder().encode([1, 2]) == [1, 2])
    #expect(try JSONValueEncoder().encode(["a": [1]]) == ["a": [1]])
    #expect(try JSONValueEncoder().encode([1: "x"]) == ["1": "x"])
    #expect(try JSONValueEncoder().encode([String?]([nil, "a"])) == [nil, "a"])
    #expect(try JSONValueEncoder().encode(JSONValue.double(5)) == .double(5))
  }

  @Test func commonCollectionsEncodeDirectly() throws {
    struct Collections: Encodable {
      var ints = [1, -2]
      var strings = ["a", "\n"]
      var values: [JSONValue] = [1.5, nil]
      var members: [String: JSONValue] = ["k": [true]]
      var nested = [[1], []]
    }
    #expect(
      try compact(Collections())
        == #"{"ints":[1,-2],"members":{"k":[true]},"nested":[[1],[]],"strings":["a","\n"],"values":[1.5,null]}"#
    )
  }

  @Test func urlEncodesAsItsAbsoluteString() throws {
    let base = try #require(URL(string: "https://example.com/api/"))
    let relative = try #require(URL(string: "v1?x=1", relativeTo: base))
    #expect(try JSONValueEncoder().encode(relative) == "https://example.com/api/v1?x=1")
    #expect(try JSONValueEncoder().encode(["u": base]) == ["u": "https://example.com/api/"])
  }

  @Test func aValueThatEncodesNothingBecomesAnEmptyObject() throws {
    struct Empty: Encodable {
      func encode(to encoder: any Encoder) throws {}
    }
    #expect(try JSONValueEncoder().encode(Empty()) == [:])
    #expect(try JSONValueEncoder().encode(["e": Empty()]) == ["e": [:]])
  }

  @Test func nestedContainersStayWritableAfterTheyAreReturned() throws {
    struct Manual: Encodable {
      func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: StringKey.self)
        var list = root.nestedUnkeyedContainer(forKey: StringKey(stringValue: "list"))
        var inner = root.nestedContainer(keyedBy: StringKey.self, forKey: StringKey(stringValue: "obj"))
        try root.encode("later", forKey: StringKey(stringValue: "z"))
        try list.encode(1)
        try list.encodeNil()
        var pair = list.nestedUnkeyedContainer()
        var element = list.nestedContainer(keyedBy: StringKey.self)
        try pair.encode(2.5)
        try pair.encode("s")
        try element.encode(true, forKey: StringKey(stringValue: "k"))
        try inner.encode(Int8(3), forKey: StringKey(stringValue: "i"))
        #expect(list.count == 4)
        // Asking again for the same kind of container continues the same object.
        var again = encoder.container(keyedBy: StringKey.self)
        try again.encode(UInt16(9), forKey: StringKey(stringValue: "again"))
      }
    }
    #expect(
      try compact(Manual()) == #"{"again":9,"list":[1,null,[2.5,"s"],{"k":true}],"obj":{"i":3},"z":"later"}"#
    )
  }

  class Base: Encodable {
    var name = "base"
    private enum CodingKeys: String, CodingKey { case name }
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(name, forKey: .name)
    }
  }

  final class Derived: Base {
    var level = 2
    private enum CodingKeys: String, CodingKey { case level, parent }
    override func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(level, forKey: .level)
      try super.encode(to: container.superEncoder(forKey: .parent))
      try super.encode(to: container.superEncoder())
    }
  }

  @Test func superEncodersWriteTheParentUnderTheirKey() throws {
    #expect(try compact(Derived()) == #"{"level":2,"parent":{"name":"base"},"super":{"name":"base"}}"#)
  }

  @Test func unkeyedSuperEncoderAppendsAnElement() throws {
    struct Wrapper: Encodable {
      func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode("first")
        try Base().encode(to: container.superEncoder())
      }
    }
    #expect(try compact(Wrapper()) == #"["first",{"name":"base"}]"#)
  }

  @Test func everyPrimitiveGoesThroughKeyedAndUnkeyedContainers() throws {
    struct All: Encodable {
      func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: StringKey.self)
        func key(_ name: String) -> StringKey { StringKey(stringValue: name) }
        try keyed.encode(true, forKey: key("bool"))
        try keyed.encode("s", forKey: key("string"))
        try keyed.encode(1.5, forKey: key("double"))
        try keyed.encode(Float(2.5), forKey: key("float"))
        try keyed.encode(Int(-1), forKey: key("int"))
        try keyed.encode(Int8(-8), forKey: key("int8"))
        try keyed.encode(Int16(-16), forKey: key("int16"))
        try keyed.encode(Int32(-32), forKey: key("int32"))
        try keyed.encode(Int64(-64), forKey: key("int64"))
        try keyed.encode(UInt(1), forKey: key("uint"))
        try keyed.encode(UInt8(8), forKey: key("uint8"))
        try keyed.encode(UInt16(16), forKey: key("uint16"))
        try keyed.encode(UInt32(32), forKey: key("uint32"))
        try keyed.encode(UInt64(64), forKey: key("uint64"))
        var list = keyed.nestedUnkeyedContainer(forKey: key("list"))
        try list.encode(true)
        try list.encode("s")
        try list.encode(1.5)
        try list.encode(Float(2.5))
        try list.encode(Int(-1))
        try list.encode(Int8(-8))
        try list.encode(Int16(-16))
        try list.encode(Int32(-32))
        try list.encode(Int64(-64))
        try list.encode(UInt(1))
        try list.encode(UInt8(8))
        try list.encode(UInt16(16))
        try list.encode(UInt32(32))
        try list.encode(UInt64(64))
      }
    }
    let expected = """
      {"bool":true,"double":1.5,"float":2.5,"int":-1,"int16":-16,"int32":-32,"int64":-64,"int8":-8,\
      "list":[true,"s",1.5,2.5,-1,-8,-16,-32,-64,1,8,16,32,64],"string":"s","uint":1,"uint16":16,\
      "uint32":32,"uint64":64,"uint8":8}
      """
    #expect(try compact(All()) == expected)
  }

  @Test func singleValueContainerEncodesEveryPrimitive() throws {
    struct Single<T: Encodable>: Encodable {
      var value: T
      func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
      }
    }
    #expect(try JSONValueEncoder().encode(Single(value: Int16(-3))) == -3)
    #expect(try JSONValueEncoder().encode(Single(value: UInt32(3))) == 3)
    #expect(try JSONValueEncoder().encode(Single(value: Float(0.5))) == 0.5)
    #expect(try JSONValueEncoder().encode(Single(value: ["nested": 1])) == ["nested": 1])
    #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(Single(value: UInt.max)) }
  }
}
