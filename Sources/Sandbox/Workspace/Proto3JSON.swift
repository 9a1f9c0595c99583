import JSON

/// How Databricks' proto3 JSON writes messages: empty repeated fields are left out, not sent as `[]`.
enum Proto3JSON {
  /// `{key: items}`, or `{}` when there are no items (so an empty token list is `{}`, as real workspaces send it).
  static func list(_ key: String, _ items: [JSONValue]) -> JSONValue {
    items.isEmpty ? [:] : [key: .array(items)]
  }

  /// The bytes of `{key: [...]}` (or `{}`), each item encoded on its own as it is reached: a list of 50,000 tokens
  /// never exists as one tree of values. `pageEnds` are the offsets just after every `pageSize`th item that has
  /// more after it, where the body can be cut to send it a page at a time.
  static func listBytes(
    _ key: String,
    pageSize: Int = 1000,
    _ forEach: ((JSONValue) -> Void) -> Void
  ) -> (bytes: [UInt8], pageEnds: [Int]) {
    var bytes = Array("{".utf8) + JSONWriter.bytes(.string(key)) + Array(":[".utf8)
    var pageEnds: [Int] = []
    let header = bytes.count
    var items = 0
    forEach { item in
      if items > 0, items % pageSize == 0 { pageEnds.append(bytes.count) }
      if bytes.count > header { bytes.append(UInt8(ascii: ",")) }
      JSONWriter.write(item, into: &bytes)
      items += 1
    }
    return bytes.count == header ? (Array("{}".utf8), []) : (bytes + Array("]}".utf8), pageEnds)
  }
}
