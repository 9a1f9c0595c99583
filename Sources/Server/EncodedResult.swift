import JSON

/// A typed result encoded once: a method whose answer is remembered (`listProfiles` while the files are unchanged)
/// keeps the encoded value with it, so a warm call costs a lookup instead of encoding every field again.
///
/// It encodes as the value it holds, so the wire is exactly what encoding the typed result gives.
struct EncodedResult: Encodable, Sendable {
  let value: JSONValue

  init(_ result: some Encodable) throws {
    value = try JSONValueEncoder().encode(result)
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(value)
  }
}
