/// `JSONValue` is `Codable` so that a field holding arbitrary JSON (an opaque `_meta`, a passthrough payload) can
/// live inside any `Codable` type. With `JSONValueDecoder`/`JSONValueEncoder` the value is taken or embedded
/// whole; with other coders (Foundation's) it goes through a single-value container.
extension JSONValue: Codable {
  package init(from decoder: any Decoder) throws {
    if let decoder = decoder as? ValueDecoder {
      self = decoder.value
      return
    }
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let bool = try? container.decode(Bool.self) {
      self = .bool(bool)
    } else if let int = try? container.decode(Int64.self) {
      self = .int(int)
    } else if let double = try? container.decode(Double.self) {
      self = .double(double)
    } else if let string = try? container.decode(String.self) {
      self = .string(string)
    } else if let elements = try? container.decode([JSONValue].self) {
      self = .array(elements)
    } else if let members = try? container.decode([String: JSONValue].self) {
      self = .object(members)
    } else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a JSON value")
    }
  }

  package func encode(to encoder: any Encoder) throws {
    if let encoder = encoder as? ValueEncoder {
      encoder.node = .value(self)
      return
    }
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let bool): try container.encode(bool)
    case .int(let int): try container.encode(int)
    case .double(let double): try container.encode(double)
    case .string(let string): try container.encode(string)
    case .array(let elements): try container.encode(elements)
    case .object(let members): try container.encode(members)
    }
  }
}

extension JSONValue {
  /// The value `value` encodes to, via ``JSONValueEncoder``.
  package init(encoding value: some Encodable) throws {
    self = try JSONValueEncoder().encode(value)
  }

  /// This value decoded as `type`, via ``JSONValueDecoder``.
  package func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
    try JSONValueDecoder().decode(type, from: self)
  }
}
