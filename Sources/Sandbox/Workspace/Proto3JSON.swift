import JSON

/// How Databricks' proto3 JSON writes messages: empty repeated fields are left out, not sent as `[]`.
enum Proto3JSON {
  /// `{key: items}`, or `{}` when there are no items (so an empty token list is `{}`, as real workspaces send it).
  static func list(_ key: String, _ items: [JSONValue]) -> JSONValue {
    items.isEmpty ? [:] : [key: .array(items)]
  }

  /// The bytes of `{key: [...]}` (or `{}`), each item encoded on its own as it is reached: a list of 50,000 tokens
  /// never exists as one tree of values.
  static func listBytes(_ key: String, _ forEach: ((JSONValue) -> Void) -> Void) -> [UInt8] {
    var bytes = Array("{".utf8) + JSONWriter.bytes(.string(key)) + Array(":[".utf8)
    let header = bytes.count
    forEach { item in
      if bytes.count > header { bytes.append(UInt8(ascii: ",")) }
      bytes += JSONWriter.bytes(item)
    }
    return bytes.count == header ? Array("{}".utf8) : bytes + Array("]}".utf8)
  }
}
