import JSON

/// Turns OpenRPC schemas into the self-contained object schemas MCP requires of a tool.
///
/// MCP clients validate `structuredContent` against `outputSchema` without resolving references, and the
/// 2025-11-25 schema requires both `inputSchema` and `outputSchema` to be rooted at `type: "object"`. So every
/// `$ref` into `components/schemas` is inlined, and a `oneOf` result (`login`) becomes an object schema.
enum ToolSchema {
  /// An object schema for a method's params: one property per param (without `_meta`, which MCP carries on the
  /// `tools/call` request itself), `required` as the method declares it, nothing else allowed (as a direct call).
  static func input(params: [JSONValue], components: [String: JSONValue]) -> JSONValue {
    var properties: [String: JSONValue] = [:]
    var required: [JSONValue] = []
    for param in params {
      guard let name = param["name"]?.stringValue, name != "_meta" else { continue }
      var schema = inline(param["schema"] ?? [:], components: components)
      if let description = param["description"], case .object(var members) = schema, members["description"] == nil {
        members["description"] = description
        schema = .object(members)
      }
      properties[name] = schema
      if param["required"] == .bool(true) { required.append(.string(name)) }
    }
    var schema: [String: JSONValue] = [
      "type": "object", "properties": .object(properties), "additionalProperties": false,
    ]
    if !required.isEmpty { schema["required"] = .array(required) }
    return .object(schema)
  }

  /// The result schema, self-contained and rooted at `type: "object"`.
  ///
  /// A `oneOf` of object schemas is kept as it is (so exactly the same results validate) under a root that says
  /// `type: "object"` and merges the branches' `properties` (a property whose schemas differ between branches
  /// becomes their `anyOf`) with the `required` keys common to all of them. Clients that only read `properties`
  /// (to show a form or a summary) see every field; validators still apply the exact branches.
  static func output(result: JSONValue, components: [String: JSONValue]) -> JSONValue {
    let schema = inline(result, components: components)
    guard case .object(var root) = schema, let branches = root["oneOf"]?.arrayValue else { return schema }
    var properties: [String: JSONValue] = [:]
    var required: Set<String>? = nil
    for branch in branches {
      for (key, value) in branch["properties"]?.objectValue ?? [:] {
        switch properties[key] {
        case nil:
          properties[key] = value
        case let existing? where existing == value:
          break
        case .object(let existing)? where existing.count == 1 && existing["anyOf"] != nil:
          if !(existing["anyOf"]?.arrayValue ?? []).contains(value) {
            properties[key] = ["anyOf": .array((existing["anyOf"]?.arrayValue ?? []) + [value])]
          }
        case let existing?:
          properties[key] = ["anyOf": [existing, value]]
        }
      }
      let names = Set((branch["required"]?.arrayValue ?? []).compactMap(\.stringValue))
      required = required.map { $0.intersection(names) } ?? names
    }
    root["type"] = "object"
    root["properties"] = .object(properties)
    let common = (required ?? []).sorted()
    if !common.isEmpty { root["required"] = .array(common.map(JSONValue.string)) }
    return .object(root)
  }

  /// `schema` with every `#/components/schemas/…` reference replaced by its target, recursively. Keywords beside
  /// a `$ref` (a `description`) are kept and win over the target's.
  static func inline(_ schema: JSONValue, components: [String: JSONValue]) -> JSONValue {
    switch schema {
    case .object(var members):
      if let reference = members["$ref"]?.stringValue {
        members["$ref"] = nil
        let prefix = "#/components/schemas/"
        let target = reference.hasPrefix(prefix) ? components[String(reference.dropFirst(prefix.count))] : nil
        var resolved = inline(target ?? [:], components: components).objectValue ?? [:]
        for (key, value) in members { resolved[key] = inline(value, components: components) }
        return .object(resolved)
      }
      return .object(members.mapValues { inline($0, components: components) })
    case .array(let elements):
      return .array(elements.map { inline($0, components: components) })
    default:
      return schema
    }
  }
}
