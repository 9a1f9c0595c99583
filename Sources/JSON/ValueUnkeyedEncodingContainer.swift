/// Appends array elements to an ``EncodingNode/ArrayBox`` for ``ValueEncoder``.
struct ValueUnkeyedEncodingContainer: UnkeyedEncodingContainer {
  let box: EncodingNode.ArrayBox
  let codingPath: [any CodingKey]

  var count: Int { box.elements.count }

  /// The path of the element about to be appended.
  private var nextPath: [any CodingKey] { codingPath + [JSONCodingKey(index: count)] }

  mutating func encodeNil() throws {
    box.elements.append(.value(.null))
  }

  mutating func encode(_ value: Bool) throws {
    box.elements.append(.value(.bool(value)))
  }

  mutating func encode(_ value: String) throws {
    box.elements.append(.value(.string(value)))
  }

  mutating func encode(_ value: Double) throws {
    box.elements.append(.value(try ValueEncoder.box(value, at: nextPath)))
  }

  mutating func encode(_ value: Float) throws {
    box.elements.append(.value(try ValueEncoder.box(value, at: nextPath)))
  }

  mutating func encode(_ value: Int) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: Int8) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: Int16) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: Int32) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: Int64) throws {
    box.elements.append(.value(.int(value)))
  }

  mutating func encode(_ value: UInt) throws {
    box.elements.append(.value(try ValueEncoder.box(value, at: nextPath)))
  }

  mutating func encode(_ value: UInt8) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: UInt16) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: UInt32) throws {
    box.elements.append(.value(.int(Int64(value))))
  }

  mutating func encode(_ value: UInt64) throws {
    box.elements.append(.value(try ValueEncoder.box(value, at: nextPath)))
  }

  mutating func encode<T: Encodable>(_ value: T) throws {
    box.elements.append(try ValueEncoder.node(for: value, at: nextPath))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type
  ) -> KeyedEncodingContainer<NestedKey> {
    let nested = EncodingNode.ObjectBox()
    let path = nextPath
    box.elements.append(.object(nested))
    return KeyedEncodingContainer(ValueKeyedEncodingContainer<NestedKey>(box: nested, codingPath: path))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let nested = EncodingNode.ArrayBox()
    let path = nextPath
    box.elements.append(.array(nested))
    return ValueUnkeyedEncodingContainer(box: nested, codingPath: path)
  }

  mutating func superEncoder() -> any Encoder {
    let encoder = ValueEncoder(codingPath: nextPath)
    box.elements.append(.encoder(encoder))
    return encoder
  }
}
