/// `application/x-www-form-urlencoded` exactly as Go's `url.Values.Encode` writes it: keys sorted, every byte
/// but unreserved characters percent-encoded, spaces as `+`.
///
/// The CLI's authorization URL and token requests are built that way (golang.org/x/oauth2); matching it byte for
/// byte keeps our login requests indistinguishable from the CLI's, so a workspace treats both logins alike.
package enum FormEncoding {
  package static func encode(_ pairs: [(String, String)]) -> String {
    pairs.sorted { $0.0 < $1.0 }.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
  }

  /// Go's `url.QueryEscape`.
  package static func escape(_ text: String) -> String {
    var output = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "~"):
        output.unicodeScalars.append(Unicode.Scalar(byte))
      case UInt8(ascii: " "):
        output += "+"
      default:
        let digits = Array("0123456789ABCDEF")
        output += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
      }
    }
    return output
  }
}
