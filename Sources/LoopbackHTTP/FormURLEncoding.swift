/// `application/x-www-form-urlencoded` fields as a value: the body of a token request and the query of an authorize
/// request or a redirect: a pure value, shared by every loopback server.
///
/// Fields keep their order and repetitions, because OAuth refuses a parameter sent twice (RFC 6749 §3.1, §3.2)
/// rather than picking one. Parsing follows the WHATWG URL standard (`&` separates, the first `=` splits, a field
/// without `=` has an empty value, `+` is a space) except that it is strict where that standard is forgiving: a
/// malformed `%` escape or bytes that are not UTF-8 make the whole input malformed, as in Go's `url.ParseQuery`, so a
/// client that encodes badly is told so instead of having its values quietly changed.
///
/// ```swift
/// let form = try FormURLEncoding(parsing: Array("grant_type=refresh_token&scope=a+b".utf8))
/// form["scope"]       // "a b"
/// form.encoded        // "grant_type=refresh_token&scope=a%20b"
/// ```
package struct FormURLEncoding: Sendable, Equatable {
  package struct Field: Sendable, Equatable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
      self.name = name
      self.value = value
    }
  }

  /// Input that is not form-encoded; `reason` says where, without echoing the input (it may hold secrets).
  package struct Malformed: Error, Sendable, Equatable {
    package var reason: String
  }

  package private(set) var fields: [Field]

  package init(_ fields: [Field] = []) {
    self.fields = fields
  }

  /// Parses an encoded body or query string (without its `?`).
  package init(parsing bytes: some Sequence<UInt8>) throws(Malformed) {
    fields = []
    for piece in Array(bytes).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
      let parts = piece.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
      let name = try Self.decode(parts[0])
      let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
      fields.append(Field(name, value))
    }
  }

  /// The first value of `name`, or `nil` when the field is absent.
  package subscript(name: String) -> String? {
    fields.first { $0.name == name }?.value
  }

  /// Every value of `name`, in order.
  package func values(for name: String) -> [String] {
    fields.filter { $0.name == name }.map(\.value)
  }

  /// The names that occur more than once, each once, in order of first appearance.
  package var repeatedNames: [String] {
    var seen: Set<String> = []
    var repeated: [String] = []
    for field in fields where !seen.insert(field.name).inserted && !repeated.contains(field.name) {
      repeated.append(field.name)
    }
    return repeated
  }

  package mutating func append(_ name: String, _ value: String) {
    fields.append(Field(name, value))
  }

  /// The fields encoded: unreserved characters (RFC 3986 §2.3) stay and every other byte of the UTF-8 is `%XX` with
  /// upper-case hex digits. A space is `%20` rather than the form's `+`, because the result also goes into redirect
  /// URLs, and some query parsers (Foundation's `URLComponents`) do not read `+` as a space.
  package var encoded: String {
    fields.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
  }

  private static func encode(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        bytes.append(byte)
      default:
        bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func decode(_ component: ArraySlice<UInt8>) throws(Malformed) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(component.count)
    var index = component.startIndex
    while index < component.endIndex {
      let byte = component[index]
      switch byte {
      case UInt8(ascii: "+"):
        bytes.append(UInt8(ascii: " "))
        index += 1
      case UInt8(ascii: "%"):
        guard index + 2 < component.endIndex, let high = hexValue(component[index + 1]),
          let low = hexValue(component[index + 2])
        else { throw Malformed(reason: "a % not followed by two hex digits") }
        bytes.append(high << 4 | low)
        index += 3
      default:
        bytes.append(byte)
        index += 1
      }
    }
    // Decoding repairs bad UTF-8 with U+FFFD, so only valid input survives the round trip unchanged.
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.utf8.elementsEqual(bytes) else { throw Malformed(reason: "not UTF-8") }
    return text
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
