/// Writes object members into an ``EncodingNode/ObjectBox`` for ``ValueEncoder``.
///
/// `encodeIfPresent(nil, forKey:)` (the protocol's default) omits the key; `encodeNil(forKey:)` writes `null`.
struct ValueKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let box: EncodingNode.ObjectBox
  let codingPath: [any CodingKey]

  mutating func encodeNil(forKey key: Key) throws {
    box.members[key.stringValue] = .value(.null)
  }

  mutating func encode(_ value: Bool, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.bool(value))
  }

  mutating func encode(_ value: String, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.string(value))
  }

  mutating func encode(_ value: Double, forKey key: Key) throws {
    box.members[key.stringValue] = .value(try ValueEncoder.box(value, at: codingPath + [key]))
  }

  mutating func encode(_ value: Float, forKey key: Key) throws {
    box.members[key.stringValue] = .value(try ValueEncoder.box(value, at: codingPath + [key]))
  }

  mutating func encode(_ value: Int, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: Int8, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: Int16, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: Int32, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: Int64, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(value))
  }

  mutating func encode(_ value: UInt, forKey key: Key) throws {
    box.members[key.stringValue] = .value(try ValueEncoder.box(value, at: codingPath + [key]))
  }

  mutating func encode(_ value: UInt8, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: UInt16, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: UInt32, forKey key: Key) throws {
    box.members[key.stringValue] = .value(.int(Int64(value)))
  }

  mutating func encode(_ value: UInt64, forKey key: Key) throws {
    box.members[key.stringValue] = .value(try ValueEncoder.box(value, at: codingPath + [key]))
  }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    box.members[key.stringValue] = try ValueEncoder.node(for: value, at: codingPath + [key])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type,
    forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let nested = EncodingNode.ObjectBox()
    box.members[key.stringValue] = .object(nested)
    return KeyedEncodingContainer(ValueKeyedEncodingContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let nested = EncodingNode.ArrayBox()
    box.members[key.stringValue] = .array(nested)
    return ValueUnkeyedEncodingContainer(box: nested, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder {
    superEncoder(named: JSONCodingKey.super)
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    superEncoder(named: key)
  }

  private mutating func superEncoder(named key: any CodingKey) -> any Encoder {
    let encoder = ValueEncoder(codingPath: codingPath + [key])
    box.members[key.stringValue] = .encoder(encoder)
    return encoder
  }
}
