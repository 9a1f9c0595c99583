import JSON

/// The workspace settings behind `/api/2.0/workspace-conf`: a flat map of strings, as on the wire.
///
/// Only the two token-policy keys exist here. Values keep the exact string that was set (`"TRUE"` comes back as
/// `"TRUE"`); `""` erases a key back to its default: no lifetime cap (`""`), tokens enabled (`"true"`).
struct WorkspaceConf {
  static let maxTokenLifetimeDaysKey = "maxTokenLifetimeDays"
  static let enableTokensConfigKey = "enableTokensConfig"
  static let defaults = [maxTokenLifetimeDaysKey: "", enableTokensConfigKey: "true"]

  private(set) var values = defaults

  /// Whether personal access tokens may be created and used; anything but `"false"` (any case) means yes.
  var tokensEnabled: Bool {
    values[Self.enableTokensConfigKey]?.lowercased() != "false"
  }

  /// The lifetime cap for new tokens in days; 0 means no cap.
  var maxTokenLifetimeDays: Int64 {
    values[Self.maxTokenLifetimeDaysKey].flatMap { Int64($0) } ?? 0
  }

  /// The values of `keys`, or 400 when one of them is not a setting this workspace has.
  func values(for keys: [String]) throws(SandboxErrorResponse) -> [String: JSONValue] {
    let unknown = keys.filter { values[$0] == nil }
    guard unknown.isEmpty else { throw Self.invalidKeys(unknown) }
    return Dictionary(keys.map { ($0, JSONValue.string(values[$0] ?? "")) }, uniquingKeysWith: { first, _ in first })
  }

  /// Applies a PATCH body: every entry is checked before any is stored, so a bad request changes nothing.
  mutating func apply(_ patch: [String: JSONValue]) throws(SandboxErrorResponse) {
    var updates: [String: String] = [:]
    for (key, value) in patch {
      guard values[key] != nil else { throw Self.invalidKeys([key]) }
      guard let string = value.stringValue else {
        throw .malformedRequest("Could not parse request object: the value of \(key) must be a string")
      }
      try Self.validate(string, for: key)
      updates[key] = string.isEmpty ? Self.defaults[key] : string
    }
    values.merge(updates) { _, new in new }
  }

  private static func validate(_ value: String, for key: String) throws(SandboxErrorResponse) {
    switch key {
    case maxTokenLifetimeDaysKey:
      guard value.isEmpty || (value.allSatisfy { $0.isASCII && $0.isNumber } && Int64(value) != nil) else {
        throw .invalidParameterValue(
          "Invalid value '\(value)' for \(key): the maximum token lifetime must be a non-negative integer number of days"
        )
      }
    case enableTokensConfigKey:
      guard ["", "true", "false"].contains(value.lowercased()) else {
        throw .invalidParameterValue("Invalid value '\(value)' for \(key): expected 'true' or 'false'")
      }
    default:
      break
    }
  }

  private static func invalidKeys(_ keys: [String]) -> SandboxErrorResponse {
    .invalidParameterValue("Invalid keys: \(keys.sorted().joined(separator: ", "))")
  }
}
