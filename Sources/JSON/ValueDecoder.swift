import Foundation

/// The `Decoder` behind `JSONValueDecoder`: decodes `Decodable` types straight from a ``JSONValue`` tree.
///
/// It is its own single-value container (as Foundation's decoder is) to save an allocation per value. The static
/// `unbox` helpers hold the conversion rules shared by all three container kinds:
/// - integers come from `.int` (range-checked) or from an integral `.double` such as `5.0`;
/// - `Double`/`Float` come from `.int` or `.double`;
/// - `Bool` only from `.bool`, `String` only from `.string` (no coercion: params are typed);
/// - `URL` from a string (Foundation's own coding of URL is a keyed `{"relative": …}` object);
/// - `JSONValue` is returned as is.
///
/// Error messages describe the JSON type found, never the value, because they reach clients and logs.
final class ValueDecoder: Decoder {
  let value: JSONValue
  let codingPath: [any CodingKey]
  /// Non-nil only while decoding the top-level value for `decode(_:from:unknownTopLevelKeys:)`.
  let keyUsage: KeyUsage?

  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(value: JSONValue, codingPath: [any CodingKey], keyUsage: KeyUsage?) {
    self.value = value
    self.codingPath = codingPath
    self.keyUsage = keyUsage
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .object(let members) = value else {
      throw Self.typeError(expected: [String: Any].self, found: value, at: codingPath)
    }
    return KeyedDecodingContainer(
      ValueKeyedDecodingContainer<Key>(members: members, codingPath: codingPath, keyUsage: keyUsage)
    )
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard case .array(let elements) = value else {
      throw Self.typeError(expected: [Any].self, found: value, at: codingPath)
    }
    return ValueUnkeyedDecodingContainer(elements: elements, codingPath: codingPath)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    self
  }
}

extension ValueDecoder: SingleValueDecodingContainer {
  func decodeNil() -> Bool {
    if case .null = value { return true }
    return false
  }

  func decode(_ type: Bool.Type) throws -> Bool { try Self.unboxBool(value, at: codingPath) }
  func decode(_ type: String.Type) throws -> String { try Self.unboxString(value, at: codingPath) }
  func decode(_ type: Double.Type) throws -> Double { try Self.unboxDouble(value, at: codingPath) }
  func decode(_ type: Float.Type) throws -> Float { try Self.unboxFloat(value, at: codingPath) }
  func decode(_ type: Int.Type) throws -> Int { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: Int8.Type) throws -> Int8 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: Int16.Type) throws -> Int16 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: Int32.Type) throws -> Int32 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: Int64.Type) throws -> Int64 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: UInt.Type) throws -> UInt { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try Self.unboxInteger(value, as: type, at: codingPath) }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try Self.unboxInteger(value, as: type, at: codingPath) }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    // Same value and path: a wrapper decoding its payload through a single-value container is still the top level.
    try Self.unbox(value, as: type, at: codingPath, keyUsage: keyUsage)
  }
}

// MARK: Conversions shared by the containers

extension ValueDecoder {
  static func unboxBool(_ value: JSONValue, at path: @autoclosure () -> [any CodingKey]) throws -> Bool {
    guard case .bool(let bool) = value else { throw typeError(expected: Bool.self, found: value, at: path()) }
    return bool
  }

  static func unboxString(_ value: JSONValue, at path: @autoclosure () -> [any CodingKey]) throws -> String {
    guard case .string(let string) = value else { throw typeError(expected: String.self, found: value, at: path()) }
    return string
  }

  static func unboxDouble(_ value: JSONValue, at path: @autoclosure () -> [any CodingKey]) throws -> Double {
    switch value {
    case .double(let double): return double
    case .int(let int): return Double(int)
    default: throw typeError(expected: Double.self, found: value, at: path())
    }
  }

  static func unboxFloat(_ value: JSONValue, at path: @autoclosure () -> [any CodingKey]) throws -> Float {
    let double = try unboxDouble(value, at: path())
    let float = Float(double)
    guard float.isFinite else { throw outOfRange(at: path()) }
    return float
  }

  static func unboxInteger<T: FixedWidthInteger>(
    _ value: JSONValue,
    as type: T.Type,
    at path: @autoclosure () -> [any CodingKey]
  ) throws -> T {
    switch value {
    case .int(let int):
      guard let exact = T(exactly: int) else { throw outOfRange(at: path()) }
      return exact
    case .double(let double):
      if let exact = T(exactly: double) { return exact }
      // Integral but too large is a range problem; 1.5 is not an integer at all.
      guard double.isFinite, double.rounded(.towardZero) == double else {
        throw typeError(expected: T.self, found: value, at: path())
      }
      throw outOfRange(at: path())
    default:
      throw typeError(expected: T.self, found: value, at: path())
    }
  }

  /// Decodes any `Decodable`, short-cutting the types that would otherwise allocate a nested decoder.
  static func unbox<T: Decodable>(
    _ value: JSONValue,
    as type: T.Type,
    at path: @autoclosure () -> [any CodingKey],
    keyUsage: KeyUsage? = nil
  ) throws -> T {
    if T.self == JSONValue.self, let value = value as? T {
      keyUsage?.consumedWhole = true
      return value
    }
    if T.self == String.self, let string = try unboxString(value, at: path()) as? T { return string }
    if T.self == Int.self, let int = try unboxInteger(value, as: Int.self, at: path()) as? T { return int }
    if T.self == Bool.self, let bool = try unboxBool(value, at: path()) as? T { return bool }
    if T.self == Double.self, let double = try unboxDouble(value, at: path()) as? T { return double }
    if T.self == Int64.self, let int = try unboxInteger(value, as: Int64.self, at: path()) as? T { return int }
    // Common collections in params, decoded without a nested decoder and container per element.
    if T.self == [String].self, let strings = try unboxArray(value, at: path, unboxString) as? T { return strings }
    if T.self == [Int].self, let ints = try unboxArray(value, at: path, unboxInt) as? T { return ints }
    if T.self == [JSONValue].self {
      guard case .array(let elements) = value else { throw typeError(expected: [Any].self, found: value, at: path()) }
      if let elements = elements as? T { return elements }
    }
    if T.self == [String: JSONValue].self {
      guard case .object(let members) = value else {
        throw typeError(expected: [String: Any].self, found: value, at: path())
      }
      if let members = members as? T {
        keyUsage?.consumedWhole = true
        return members
      }
    }
    if T.self == URL.self {
      let string = try unboxString(value, at: path())
      guard let url = URL(string: string) as? T else {
        throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "must be a valid URL"))
      }
      return url
    }
    return try T(from: ValueDecoder(value: value, codingPath: path(), keyUsage: keyUsage))
  }

  private static func unboxInt(_ value: JSONValue, at path: @autoclosure () -> [any CodingKey]) throws -> Int {
    try unboxInteger(value, as: Int.self, at: path())
  }

  private static func unboxArray<Element>(
    _ value: JSONValue,
    at path: () -> [any CodingKey],
    _ unboxElement: (JSONValue, @autoclosure () -> [any CodingKey]) throws -> Element
  ) throws -> [Element] {
    guard case .array(let elements) = value else { throw typeError(expected: [Any].self, found: value, at: path()) }
    // The element's path is only built if that element fails.
    return try withoutActuallyEscaping(path) { path in
      var result: [Element] = []
      result.reserveCapacity(elements.count)
      for position in elements.indices {
        result.append(try unboxElement(elements[position], path() + [JSONCodingKey(index: position)]))
      }
      return result
    }
  }

  // MARK: Errors

  /// A `valueNotFound` for null (as Foundation reports it) and a `typeMismatch` otherwise.
  static func typeError(expected type: Any.Type, found value: JSONValue, at path: [any CodingKey]) -> DecodingError {
    let expected = description(ofExpected: type)
    if case .null = value {
      return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(expected) but found null."))
    }
    return .typeMismatch(
      type,
      .init(codingPath: path, debugDescription: "Expected \(expected) but found \(kind(of: value)) instead.")
    )
  }

  /// The message `JSONValueDecoder.problems(from:)` passes through for out-of-range numbers.
  static func outOfRange(at path: [any CodingKey]) -> DecodingError {
    .dataCorrupted(.init(codingPath: path, debugDescription: "is out of range"))
  }

  static func kind(of value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool: "a boolean"
    case .int, .double: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  private static func description(ofExpected type: Any.Type) -> String {
    if type == [String: Any].self { return "an object" }
    if type == [Any].self { return "an array" }
    return "\(type)"
  }
}
