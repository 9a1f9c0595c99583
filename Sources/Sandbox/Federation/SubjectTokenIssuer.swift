import Basics
import Foundation
import JSON

/// The sandbox's stand-in for a CI system's identity provider (GitHub Actions, a Kubernetes service account): it
/// signs JWTs that a workload presents to the token endpoint's token-exchange grant, and checks them there.
///
/// Tokens are JWTs signed with `HS256` under a key drawn when the sandbox starts, with the claims a federation
/// policy matches: `iss`, `sub`, `aud`, `iat`, `exp`. A token changed in any byte, signed by anyone else, or past its
/// `exp` on the sandbox clock is refused.
struct SubjectTokenIssuer {
  /// The claims a federation policy looks at.
  struct Claims: Equatable {
    var issuer: String
    var subject: String
    var audiences: [String]
    var expiresAt: Date
  }

  /// Why a presented subject token is refused.
  enum Refusal: Error, Equatable {
    case malformed
    case badSignature
    case expired
  }

  private let key: [UInt8]

  init() {
    var generator = SystemRandomNumberGenerator()
    key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
  }

  /// A signed JWT for `subject` and `audience`, valid from `now` for `lifetimeSeconds`.
  func sign(issuer: String, subject: String, audience: String, lifetimeSeconds: Double, now: Date) -> String {
    let header: JSONValue = ["alg": "HS256", "typ": "JWT", "kid": "sandbox-issuer"]
    let claims: JSONValue = [
      "iss": .string(issuer),
      "sub": .string(subject),
      "aud": .string(audience),
      "iat": .int(Int64(saturating: now.timeIntervalSince1970)),
      "exp": .int(Int64(saturating: now.addingTimeInterval(lifetimeSeconds).timeIntervalSince1970)),
      "jti": .string(TokenStore.randomHex(bytes: 8)),
    ]
    let signingInput = Base64URL.encode(JSONWriter.bytes(header)) + "." + Base64URL.encode(JSONWriter.bytes(claims))
    return signingInput + "." + Base64URL.encode(HMACSHA256.authenticationCode(for: signingInput.utf8, key: key))
  }

  /// The claims of a token this issuer signed and that has not expired at `now`.
  func verify(_ token: String, now: Date) throws(Refusal) -> Claims {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let signature = Base64URL.decode(String(parts[2])),
      let headerBytes = Base64URL.decode(String(parts[0])),
      let header = try? JSONParser.parse(headerBytes), header["alg"]?.stringValue == "HS256"
    else { throw .malformed }
    let expected = HMACSHA256.authenticationCode(for: "\(parts[0]).\(parts[1])".utf8, key: key)
    guard signature.count == expected.count, zip(signature, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
      throw .badSignature
    }
    guard let claimBytes = Base64URL.decode(String(parts[1])), let claims = try? JSONParser.parse(claimBytes),
      let issuer = claims["iss"]?.stringValue, let subject = claims["sub"]?.stringValue,
      case .int(let expiry)? = claims["exp"]
    else { throw .malformed }
    let audiences: [String]
    switch claims["aud"] {
    case .string(let one)?: audiences = [one]
    case .array(let many)?: audiences = many.compactMap(\.stringValue)
    default: throw .malformed
    }
    let expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
    guard now < expiresAt else { throw .expired }
    return Claims(issuer: issuer, subject: subject, audiences: audiences, expiresAt: expiresAt)
  }
}
