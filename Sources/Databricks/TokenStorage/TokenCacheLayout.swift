import JSON

/// Lays out the token cache document exactly as the CLI's `json.MarshalIndent(f, "", "  ")` does, so a file we
/// rewrite is byte for byte the file the CLI would have written (and diffs cleanly against it).
///
/// ``JSONWriter``'s pretty mode already has Go's indentation and string escaping, but it sorts every object's keys,
/// while Go writes struct fields in declaration order: `version` before `tokens`, and an entry's fields in
/// `oauth2.Token` order (`access_token`, `token_type`, `refresh_token`, `expiry`, `expires_in`). Map keys (the
/// `tokens` object) are sorted in Go too, by bytes, as ``JSONWriter`` sorts them. Fields the CLI does not know (which
/// the CLI itself would drop, and which we keep) follow the known ones, sorted.
///
/// Two details of Go's encoder are applied on top of ``JSONWriter``:
/// - `<`, `>` and `&` are escaped as `\u003c`, `\u003e`, `\u0026` (Go's default HTML-safe escaping). Those bytes can
///   only occur inside strings in JSON text, so replacing them in the finished output is exact.
/// - There is no trailing newline: the CLI writes `MarshalIndent`'s bytes as they are.
///
/// Numbers other than integers in unknown fields are written in Swift's shortest form (`1.0`, where Go would write
/// `1`); the CLI never writes such fields, so there is no Go output to match.
enum TokenCacheLayout {
  /// How an object's members are ordered, and how the values inside it are laid out.
  private indirect enum Shape: Sendable {
    /// Whatever the value is, ``JSONWriter``'s layout (sorted keys all the way down).
    case sorted
    /// An object: the keys in `order` first (those present), then the others sorted by their UTF-8 bytes.
    case object(order: [String], members: Shape)
  }

  private static let entry = Shape.object(
    order: ["access_token", "token_type", "refresh_token", "expiry", "expires_in"],
    members: .sorted
  )

  /// The file: `document`'s members, `version` and `tokens` first, with the members of `tokens` (when it is an
  /// object) taken from `tokens`, whose keys may be canonically equivalent yet different, and are sorted by bytes.
  static func bytes(_ document: [String: JSONValue], tokens: [(key: String, value: JSONValue)]) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(1024)
    writeMembers(ordered(document, first: ["version", "tokens"]), depth: 0, into: &output) {
      key,
      value,
      depth,
      output in
      if key == "tokens", case .object = value {
        let sorted = tokens.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        writeMembers(sorted, depth: depth, into: &output) { _, token, depth, output in
          write(token, shape: entry, depth: depth, into: &output)
        }
      } else {
        write(value, shape: .sorted, depth: depth, into: &output)
      }
    }
    return escapeHTML(output)
  }

  /// One token entry on its own, as `json.MarshalIndent(token, "", "  ")` writes an `oauth2.Token` (what
  /// `databricks auth token` prints).
  static func entryBytes(_ token: [String: JSONValue]) -> [UInt8] {
    var output: [UInt8] = []
    write(.object(token), shape: entry, depth: 0, into: &output)
    return escapeHTML(output)
  }

  private static func write(_ value: JSONValue, shape: Shape, depth: Int, into output: inout [UInt8]) {
    guard case .object(let object) = value, case .object(let order, let members) = shape else {
      writeValue(value, depth: depth, into: &output)
      return
    }
    writeMembers(ordered(object, first: order), depth: depth, into: &output) { _, value, depth, output in
      write(value, shape: members, depth: depth, into: &output)
    }
  }

  /// `object`'s members: the keys in `order` first (those present), then the others sorted by their UTF-8 bytes.
  private static func ordered(_ object: [String: JSONValue], first order: [String]) -> [(key: String, value: JSONValue)]
  {
    let known = order.compactMap { key in object[key].map { (key, $0) } }
    let others = object.filter { !order.contains($0.key) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    return known + others.map { ($0.key, $0.value) }
  }

  /// An object of `members` in the order given, each value written by `value` one level deeper; `{}` when empty.
  private static func writeMembers(
    _ members: [(key: String, value: JSONValue)],
    depth: Int,
    into output: inout [UInt8],
    value: (String, JSONValue, Int, inout [UInt8]) -> Void
  ) {
    guard !members.isEmpty else {
      output.append(contentsOf: "{}".utf8)
      return
    }
    output.append(UInt8(ascii: "{"))
    for (index, member) in members.enumerated() {
      if index > 0 { output.append(UInt8(ascii: ",")) }
      newline(depth: depth + 1, into: &output)
      JSONWriter.writeString(member.key, into: &output)
      output.append(contentsOf: ": ".utf8)
      value(member.key, member.value, depth + 1, &output)
    }
    newline(depth: depth, into: &output)
    output.append(UInt8(ascii: "}"))
  }

  /// Writes any value with ``JSONWriter``'s Go-style pretty layout, indented to `depth`. Its newlines can only be
  /// layout (a newline inside a string is escaped), so indenting after each one is exact.
  private static func writeValue(_ value: JSONValue, depth: Int, into output: inout [UInt8]) {
    for byte in JSONWriter.bytes(value, pretty: true) {
      if byte == UInt8(ascii: "\n") {
        newline(depth: depth, into: &output)
      } else {
        output.append(byte)
      }
    }
  }

  private static func newline(depth: Int, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "\n"))
    output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
  }

  /// Go's default HTML-safe escaping of finished JSON text: `<`, `>` and `&` can only occur inside strings there,
  /// so replacing them is exact.
  static func escapeHTML(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 }) else { return bytes }
    var escaped: [UInt8] = []
    escaped.reserveCapacity(bytes.count + 32)
    for byte in bytes {
      switch byte {
      case 0x3C: escaped.append(contentsOf: #"\u003c"#.utf8)
      case 0x3E: escaped.append(contentsOf: #"\u003e"#.utf8)
      case 0x26: escaped.append(contentsOf: #"\u0026"#.utf8)
      default: escaped.append(byte)
      }
    }
    return escaped
  }
}
