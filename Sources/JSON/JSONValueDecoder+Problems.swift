extension JSONValueDecoder {
  /// Turns a decoding failure into `(path, message)` pairs for an "invalid params" error.
  ///
  /// `path` is a JSON Pointer (RFC 6901) into the decoded value: `""` for the root, `/tokenIds/0`, `/profile`.
  /// `message` is a short predicate meant to follow the path: "is required", "must be a string", "must be an
  /// integer", "must be a number", "must be a boolean", "must be an array", "must be an object", "is out of range".
  /// For `DecodingError.dataCorrupted` the `debugDescription` is used as is, so a type can validate in
  /// `init(from:)` with `throw DecodingError.dataCorruptedError(forKey:in:debugDescription: "must be …")`.
  ///
  /// Messages never contain the offending value; the one standard-library message that does (an invalid raw
  /// value for a `RawRepresentable` enum) is replaced by "has an unsupported value". Errors that are not
  /// `DecodingError`s become a single root problem "is invalid".
  package static func problems(from error: any Error) -> [(path: String, message: String)] {
    guard let error = error as? DecodingError else { return [(path: "", message: "is invalid")] }
    switch error {
    case .keyNotFound(let key, let context):
      return [(path: pointer(context.codingPath + [key]), message: "is required")]
    case .typeMismatch(let type, let context):
      return [(path: pointer(context.codingPath), message: expectation(for: type) ?? "has the wrong type")]
    case .valueNotFound(let type, let context):
      return [(path: pointer(context.codingPath), message: expectation(for: type) ?? "must not be null")]
    case .dataCorrupted(let context):
      return [(path: pointer(context.codingPath), message: sanitized(context.debugDescription))]
    @unknown default:
      return [(path: "", message: "is invalid")]
    }
  }

  /// The JSON Pointer for a coding path; array positions (keys with an int value named "Index N", as both
  /// Foundation's coders and ours make them) become plain indices.
  static func pointer(_ codingPath: [any CodingKey]) -> String {
    var pointer = ""
    for key in codingPath {
      pointer += "/"
      if let index = key.intValue, key.stringValue == "Index \(index)" {
        pointer += String(index)
      } else {
        pointer += key.stringValue.replacing("~", with: "~0").replacing("/", with: "~1")
      }
    }
    return pointer
  }

  private static func expectation(for type: Any.Type) -> String? {
    if type == String.self || type == Character.self { return "must be a string" }
    if type == Bool.self { return "must be a boolean" }
    if type is any FixedWidthInteger.Type { return "must be an integer" }
    if type is any BinaryFloatingPoint.Type { return "must be a number" }
    if type == [Any].self { return "must be an array" }
    if type == [String: Any].self { return "must be an object" }
    // Foundation's decoder reports containers by their container type.
    let name = String(describing: type)
    if name.hasPrefix("KeyedDecodingContainer<") || name.hasPrefix("Dictionary<") { return "must be an object" }
    if name.hasPrefix("UnkeyedDecodingContainer") || name.hasPrefix("Array<") { return "must be an array" }
    return nil
  }

  private static func sanitized(_ description: String) -> String {
    // RawRepresentable's synthesized decoding says "Cannot initialize X from invalid String value <value>".
    if description.hasPrefix("Cannot initialize ") && description.contains(" from invalid ") {
      return "has an unsupported value"
    }
    // Foundation's JSONDecoder says "Parsed JSON number <value> does not fit in Int8."
    if description.hasPrefix("Parsed JSON number") { return "is out of range" }
    return description.isEmpty ? "is invalid" : description
  }
}
