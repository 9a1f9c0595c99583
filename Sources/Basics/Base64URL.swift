import Foundation

/// Base64url without padding (RFC 4648 §5, RFC 7515 §2): the alphabet of PKCE verifiers and challenges, OAuth
/// `state` values and JWT segments.
package enum Base64URL {
  package static func encode(_ bytes: some Sequence<UInt8>) -> String {
    Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// The bytes of unpadded base64url text (padding is tolerated too); `nil` for anything else, including the
  /// standard alphabet's `+` and `/`, so a token encoded the wrong way is noticed rather than half-decoded.
  package static func decode(_ text: String) -> [UInt8]? {
    var unpadded = Substring(text)
    while unpadded.hasSuffix("=") { unpadded = unpadded.dropLast() }
    guard unpadded.count % 4 != 1,
      unpadded.utf8.allSatisfy({ byte in
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
          UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
          true
        default:
          false
        }
      })
    else { return nil }
    var standard = unpadded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
    return Data(base64Encoded: standard).map(Array.init)
  }
}
