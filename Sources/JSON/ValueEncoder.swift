import Foundation

/// The `Encoder` behind `JSONValueEncoder`: builds a ``JSONValue`` tree from an `Encodable` value.
///
/// It is its own single-value container, like Foundation's encoder. Rules shared by all containers live in the
/// static helpers: integers become `.int` (a `UInt`/`UInt64` above `Int64.max` is an error rather than a silently
/// rounded double), `Double`/`Float` become `.double` and must be finite, `URL` becomes its `absoluteString`,
/// and a `JSONValue` is embedded as is.
///
/// Asking for a container of a different kind after something was already encoded at the same path replaces
/// the earlier value (Foundation traps instead; a long-running server should not).
final class ValueEncoder: Encoder {
  let codingPath: [any CodingKey]
  var node: EncodingNode?

  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(codingPath: [any CodingKey]) {
    self.codingPath = codingPath
  }

  /// What was encoded; a value that encoded nothing becomes `{}`, as with Foundation's encoder.
  var resolved: JSONValue {
    node?.resolved ?? .object([:])
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    let box: EncodingNode.ObjectBox
    if case .object(let existing) = node {
      box = existing
    } else {
      box = EncodingNode.ObjectBox()
      node = .object(box)
    }
    return KeyedEncodingContainer(ValueKeyedEncodingContainer<Key>(box: box, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    let box: EncodingNode.ArrayBox
    if case .array(let existing) = node {
      box = existing
    } else {
      box = EncodingNode.ArrayBox()
      node = .array(box)
    }
    return ValueUnkeyedEncodingContainer(box: box, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    self
  }
}

extension ValueEncoder: SingleValueEncodingContainer {
  func encodeNil() throws { node = .value(.null) }
  func encode(_ value: Bool) throws { node = .value(.bool(value)) }
  func encode(_ value: String) throws { node = .value(.string(value)) }
  func encode(_ value: Double) throws { node = .value(try Self.box(value, at: codingPath)) }
  func encode(_ value: Float) throws { node = .value(try Self.box(value, at: codingPath)) }
  func encode(_ value: Int) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: Int8) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: Int16) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: Int32) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: Int64) throws { node = .value(.int(value)) }
  func encode(_ value: UInt) throws { node = .value(try Self.box(value, at: codingPath)) }
  func encode(_ value: UInt8) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: UInt16) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: UInt32) throws { node = .value(.int(Int64(value))) }
  func encode(_ value: UInt64) throws { node = .value(try Self.box(value, at: codingPath)) }

  func encode<T: Encodable>(_ value: T) throws {
    node = try Self.node(for: value, at: codingPath)
  }
}

// MARK: Conversions shared by the containers

extension ValueEncoder {
  static func box(_ value: Double, at path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
    guard value.isFinite else {
      throw EncodingError.invalidValue(
        value,
        .init(codingPath: path(), debugDescription: "JSON cannot represent a non-finite number.")
      )
    }
    return .double(value)
  }

  static func box(_ value: Float, at path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
    // Through the shortest decimal text, so Float(0.1) becomes 0.1 rather than 0.10000000149011612.
    try box(Double(value.description) ?? Double(value), at: path())
  }

  static func box<T: BinaryInteger>(_ value: T, at path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
    guard let int = Int64(exactly: value) else {
      throw EncodingError.invalidValue(
        value,
        .init(codingPath: path(), debugDescription: "Integer does not fit in a signed 64-bit JSON integer.")
      )
    }
    return .int(int)
  }

  /// Encodes any `Encodable`, short-cutting the types that would otherwise allocate a nested encoder.
  static func node<T: Encodable>(for value: T, at path: @autoclosure () -> [any CodingKey]) throws -> EncodingNode {
    // Metatype checks first: they fold away when specialised and are cheaper than casts when not.
    if T.self == JSONValue.self, let value = value as? JSONValue { return .value(value) }
    if T.self == String.self, let string = value as? String { return .value(.string(string)) }
    if T.self == Int.self, let int = value as? Int { return .value(.int(Int64(int))) }
    if T.self == Bool.self, let bool = value as? Bool { return .value(.bool(bool)) }
    if T.self == Double.self, let double = value as? Double { return .value(try box(double, at: path())) }
    if T.self == URL.self, let url = value as? URL { return .value(.string(url.absoluteString)) }
    if T.self == [String].self, let strings = value as? [String] { return .value(.array(strings.map { .string($0) })) }
    if T.self == [Int].self, let ints = value as? [Int] { return .value(.array(ints.map { .int(Int64($0)) })) }
    if T.self == [JSONValue].self, let elements = value as? [JSONValue] { return .value(.array(elements)) }
    if T.self == [String: JSONValue].self, let members = value as? [String: JSONValue] {
      return .value(.object(members))
    }
    let encoder = ValueEncoder(codingPath: path())
    try value.encode(to: encoder)
    return encoder.node ?? .value(.object([:]))
  }
}
