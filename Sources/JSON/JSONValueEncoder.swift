/// Encodes `Encodable` values directly into a ``JSONValue`` (no bytes, no Foundation `JSONEncoder`).
///
/// Integers become `.int`, `Double`/`Float` become `.double` (non-finite values throw
/// `EncodingError.invalidValue`), `nil` optionals encoded with `encodeIfPresent` (what synthesized conformances
/// use) omit their key while `encodeNil` writes `null`, an embedded `JSONValue` is kept as is, and `URL` becomes
/// its `absoluteString`. There are no date or data strategies: `Date` and `Data` would use their default
/// `Codable` forms (a number, an array of bytes), so domain types format such fields as strings themselves.
package struct JSONValueEncoder: Sendable {
  package init() {}

  package func encode<T: Encodable>(_ value: T) throws -> JSONValue {
    try ValueEncoder.node(for: value, at: []).resolved
  }
}
