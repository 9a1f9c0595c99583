/// Decodes `Decodable` types directly from a ``JSONValue`` (no bytes, no Foundation `JSONDecoder`).
///
/// Conversion rules are strict so that request params are validated by their types: `Bool` only from a JSON
/// boolean, `String` only from a JSON string, integers from integer literals or integral doubles (`5.0`) within
/// range, floating point from any number. `decodeIfPresent` returns `nil` for a missing key and for an explicit
/// `null`. Decoding `JSONValue` itself returns the value unchanged. `URL` decodes from a string; `Date` and `Data`
/// use their default `Codable` forms, so domain types keep such fields as strings and convert them themselves.
///
/// Errors are standard `DecodingError`s with the `codingPath` of the offending value; see ``problems(from:)``.
package struct JSONValueDecoder: Sendable {
  package init() {}

  package func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
    try ValueDecoder.unbox(value, as: type, at: [])
  }

  /// Decodes like ``decode(_:from:)`` and also reports, sorted, the keys of the top-level object that decoding
  /// never asked about (through `decode`, `decodeIfPresent`, `decodeNil`, `contains` or a nested container on
  /// the top-level keyed container). The server uses this to reject unknown params instead of ignoring typos.
  ///
  /// Decoding the whole value as `JSONValue` (or reading all keys, as a `[String: T]` does) leaves nothing unknown.
  /// `unknownTopLevelKeys` is replaced, and is empty when the top-level value is not an object.
  package func decode<T: Decodable>(
    _ type: T.Type,
    from value: JSONValue,
    unknownTopLevelKeys: inout [String]
  ) throws -> T {
    let keyUsage = KeyUsage()
    let decoded = try ValueDecoder.unbox(value, as: type, at: [], keyUsage: keyUsage)
    unknownTopLevelKeys = keyUsage.unaskedKeys(of: value)
    return decoded
  }
}
