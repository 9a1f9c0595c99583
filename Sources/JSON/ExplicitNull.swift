/// An optional property that is encoded as `null` when it is `nil`, instead of being left out.
///
/// Synthesized `Encodable` conformances skip `nil` optionals (`encodeIfPresent`), but the wire contract promises
/// some keys always: `expiresAt: null` means "never expires", and `nextCursor: null` means "last page".
///
/// ```swift
/// struct Result: Encodable { @ExplicitNull var nextCursor: String? }
/// ```
@propertyWrapper
package struct ExplicitNull<Value: Encodable & Sendable>: Encodable, Sendable {
  package var wrappedValue: Value?

  package init(wrappedValue: Value?) {
    self.wrappedValue = wrappedValue
  }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let wrappedValue {
      try container.encode(wrappedValue)
    } else {
      try container.encodeNil()
    }
  }
}
