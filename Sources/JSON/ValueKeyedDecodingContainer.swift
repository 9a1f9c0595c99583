/// Keyed access to an object's members for ``ValueDecoder``.
///
/// Every lookup is reported to `keyUsage` (set only for the top-level object) so that
/// `JSONValueDecoder.decode(_:from:unknownTopLevelKeys:)` can name the keys the type never asked about.
/// `decodeIfPresent` treats an explicit `null` like a missing key.
struct ValueKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let members: [String: JSONValue]
  let codingPath: [any CodingKey]
  let keyUsage: KeyUsage?

  var allKeys: [Key] {
    members.keys.compactMap { Key(stringValue: $0) }
  }

  func contains(_ key: Key) -> Bool {
    keyUsage?.noteAsked(key.stringValue)
    return members[key.stringValue] != nil
  }

  /// The member for `key`, or `keyNotFound`.
  private func member(_ key: Key) throws -> JSONValue {
    keyUsage?.noteAsked(key.stringValue)
    guard let value = members[key.stringValue] else {
      throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value for this key."))
    }
    return value
  }

  /// The member for `key`, or `nil` when it is missing or null.
  private func presentMember(_ key: Key) -> JSONValue? {
    keyUsage?.noteAsked(key.stringValue)
    guard let value = members[key.stringValue] else { return nil }
    if case .null = value { return nil }
    return value
  }

  func decodeNil(forKey key: Key) throws -> Bool {
    if case .null = try member(key) { return true }
    return false
  }

  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
    try ValueDecoder.unboxBool(member(key), at: codingPath + [key])
  }

  func decode(_ type: String.Type, forKey key: Key) throws -> String {
    try ValueDecoder.unboxString(member(key), at: codingPath + [key])
  }

  func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
    try ValueDecoder.unboxDouble(member(key), at: codingPath + [key])
  }

  func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
    try ValueDecoder.unboxFloat(member(key), at: codingPath + [key])
  }

  func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
    try ValueDecoder.unboxInteger(member(key), as: type, at: codingPath + [key])
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try ValueDecoder.unbox(member(key), as: type, at: codingPath + [key])
  }

  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
    try presentMember(key).map { try ValueDecoder.unboxBool($0, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
    try presentMember(key).map { try ValueDecoder.unboxString($0, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
    try presentMember(key).map { try ValueDecoder.unboxDouble($0, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
    try presentMember(key).map { try ValueDecoder.unboxFloat($0, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
    try presentMember(key).map { try ValueDecoder.unboxInteger($0, as: type, at: codingPath + [key]) }
  }

  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
    try presentMember(key).map { try ValueDecoder.unbox($0, as: type, at: codingPath + [key]) }
  }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type,
    forKey key: Key
  ) throws -> KeyedDecodingContainer<NestedKey> {
    let value = try member(key)
    guard case .object(let nested) = value else {
      throw ValueDecoder.typeError(expected: [String: Any].self, found: value, at: codingPath + [key])
    }
    return KeyedDecodingContainer(
      ValueKeyedDecodingContainer<NestedKey>(members: nested, codingPath: codingPath + [key], keyUsage: nil)
    )
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    let value = try member(key)
    guard case .array(let elements) = value else {
      throw ValueDecoder.typeError(expected: [Any].self, found: value, at: codingPath + [key])
    }
    return ValueUnkeyedDecodingContainer(elements: elements, codingPath: codingPath + [key])
  }

  func superDecoder() throws -> any Decoder {
    keyUsage?.noteAsked(JSONCodingKey.super.stringValue)
    return ValueDecoder(
      value: members[JSONCodingKey.super.stringValue] ?? .null,
      codingPath: codingPath + [JSONCodingKey.super],
      keyUsage: nil
    )
  }

  func superDecoder(forKey key: Key) throws -> any Decoder {
    keyUsage?.noteAsked(key.stringValue)
    return ValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key], keyUsage: nil)
  }
}
