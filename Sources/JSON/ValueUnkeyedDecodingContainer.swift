/// Sequential access to array elements for ``ValueDecoder``.
///
/// As with Foundation's decoder, `currentIndex` advances only when a decode succeeds, so a caller can retry the
/// same element as another type.
struct ValueUnkeyedDecodingContainer: UnkeyedDecodingContainer {
  let elements: [JSONValue]
  let codingPath: [any CodingKey]
  private(set) var currentIndex = 0

  init(elements: [JSONValue], codingPath: [any CodingKey]) {
    self.elements = elements
    self.codingPath = codingPath
  }

  var count: Int? { elements.count }

  var isAtEnd: Bool { currentIndex >= elements.count }

  /// The path of the element at `currentIndex`.
  private var positionPath: [any CodingKey] { codingPath + [JSONCodingKey(index: currentIndex)] }

  /// The element at `currentIndex` without advancing, or `valueNotFound` past the end.
  private func next(_ type: Any.Type) throws -> JSONValue {
    guard currentIndex < elements.count else {
      throw DecodingError.valueNotFound(
        type,
        .init(codingPath: positionPath, debugDescription: "Unkeyed container is at end.")
      )
    }
    return elements[currentIndex]
  }

  mutating func decodeNil() throws -> Bool {
    guard case .null = try next(Any?.self) else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode(_ type: Bool.Type) throws -> Bool {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxBool(value, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: String.Type) throws -> String {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxString(value, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Double.Type) throws -> Double {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxDouble(value, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Float.Type) throws -> Float {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxFloat(value, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Int.Type) throws -> Int {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Int8.Type) throws -> Int8 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Int16.Type) throws -> Int16 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Int32.Type) throws -> Int32 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: Int64.Type) throws -> Int64 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: UInt.Type) throws -> UInt {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: UInt8.Type) throws -> UInt8 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
    let value = try next(type)
    let decoded = try ValueDecoder.unboxInteger(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    let value = try next(type)
    let decoded = try ValueDecoder.unbox(value, as: type, at: positionPath)
    currentIndex += 1
    return decoded
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type
  ) throws -> KeyedDecodingContainer<NestedKey> {
    let value = try next([String: Any].self)
    guard case .object(let members) = value else {
      throw ValueDecoder.typeError(expected: [String: Any].self, found: value, at: positionPath)
    }
    let container = ValueKeyedDecodingContainer<NestedKey>(members: members, codingPath: positionPath, keyUsage: nil)
    currentIndex += 1
    return KeyedDecodingContainer(container)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    let value = try next([Any].self)
    guard case .array(let nested) = value else {
      throw ValueDecoder.typeError(expected: [Any].self, found: value, at: positionPath)
    }
    let container = ValueUnkeyedDecodingContainer(elements: nested, codingPath: positionPath)
    currentIndex += 1
    return container
  }

  mutating func superDecoder() throws -> any Decoder {
    let decoder = ValueDecoder(value: try next(Any.self), codingPath: positionPath, keyUsage: nil)
    currentIndex += 1
    return decoder
  }
}
