import Basics
import Foundation
import JSON

/// An OAuth access token the workspace accepts as a bearer credential, mapped to a principal like a PAT.
///
/// ``TokenEndpoint`` issues them through ``WorkspaceState``, and authentication needs nothing else. Values are
/// JWT-shaped (three base64url parts with `sub`, `iat`, `exp`, `scope` claims) because SDKs peek at the claims, and
/// the unknown-token message differs by shape: a JWT gets "Invalid Token", anything else "Invalid access token.".
/// The signature is random bytes: the workspace looks tokens up, it never verifies them.
struct OAuthAccessToken {
  var principalID: Int64
  var expiresAt: Date

  /// A fresh value whose claims name the subject, the lifetime and the granted `scope` (the Python SDK compares the
  /// claim with the scopes it asked for).
  static func makeValue(subject: String, scope: String, issuedAt: Date, expiresAt: Date) -> String {
    let header: JSONValue = ["alg": "RS256", "typ": "at+jwt", "kid": "sandbox"]
    let claims: JSONValue = [
      "sub": .string(subject),
      "iat": .int(Int64(saturating: issuedAt.timeIntervalSince1970)),
      "exp": .int(Int64(saturating: expiresAt.timeIntervalSince1970)),
      "jti": .string(TokenStore.randomHex(bytes: 16)),
      "scope": .string(scope),
    ]
    var generator = SystemRandomNumberGenerator()
    let signature = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return [JSONWriter.bytes(header), JSONWriter.bytes(claims), signature].map(Base64URL.encode).joined(separator: ".")
  }

  /// Whether a bearer value has the shape of a JWT, which decides the message for an unknown token.
  static func looksLikeJWT(_ value: String) -> Bool {
    value.hasPrefix("eyJ") && value.split(separator: ".", omittingEmptySubsequences: false).count == 3
  }
}
