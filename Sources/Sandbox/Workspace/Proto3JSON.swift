import JSON

/// How Databricks' proto3 JSON writes messages: empty repeated fields are left out, not sent as `[]`.
enum Proto3JSON {
  /// `{key: items}`, or `{}` when there are no items (so an empty token list is `{}`, as real workspaces send it).
  static func list(_ key: String, _ items: [JSONValue]) -> JSONValue {
    items.isEmpty ? [:] : [key: .array(items)]
  }
}
