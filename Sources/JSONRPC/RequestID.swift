package import JSON

/// A JSON-RPC request id, kept with its JSON type so it is echoed exactly as received.
///
/// `0`, `"7"`, `1.5` and `null` are all valid request ids; a request without an `id` member is a
/// notification and has no `RequestID` at all.
package enum RequestID: Sendable, Hashable {
  case int(Int64)
  case double(Double)
  case string(String)
  case null

  /// The id carried by `value`, or `nil` if JSON-RPC does not allow that type as an id (bool, array, object).
  package init?(_ value: JSONValue) {
    switch value {
    case .int(let int): self = .int(int)
    case .double(let double): self = .double(double)
    case .string(let string): self = .string(string)
    case .null: self = .null
    case .bool, .array, .object: return nil
    }
  }

  package var jsonValue: JSONValue {
    switch self {
    case .int(let int): .int(int)
    case .double(let double): .double(double)
    case .string(let string): .string(string)
    case .null: .null
    }
  }
}
