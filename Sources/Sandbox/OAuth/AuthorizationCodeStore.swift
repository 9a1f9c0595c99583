import Basics
import Foundation

/// Authorization codes between authorize and token: single-use, short-lived, and bound to everything the token
/// endpoint must check when one is redeemed (RFC 6749 §4.1.3, RFC 7636 §4.6).
///
/// A code is used up by the first token request that presents it, whether that request then succeeds or not: a
/// code is a one-shot secret, and a wrong verifier is as likely an attacker as a bug. Expired codes are dropped
/// whenever a new one is issued, so the store stays small.
struct AuthorizationCodeStore {
  /// What a code stands for.
  struct Grant {
    var issuer: OIDCIssuer
    var clientID: String
    var redirectURI: String
    var codeChallenge: String
    var scopes: [String]
    var principalID: Int64
    var expiresAt: Date
  }

  enum Redemption {
    case valid(Grant)
    case expired
    /// Never issued, or already redeemed.
    case unknown
  }

  /// RFC 6749 §4.1.2 recommends at most 10 minutes; 5 keeps expiry tests short and is ample for a loopback hop.
  static let lifetimeSeconds: TimeInterval = 300

  private var grants: [String: Grant] = [:]

  /// Stores `grant` under a fresh code (`sbxcode-` and 43 base64url characters) and returns the code.
  mutating func issue(_ grant: Grant, now: Date) -> String {
    grants = grants.filter { now < $0.value.expiresAt }
    let code = "sbxcode-" + Base64URL.encode(SecureRandom.bytes(count: 32))
    grants[code] = grant
    return code
  }

  /// Uses up `code`.
  mutating func redeem(_ code: String, now: Date) -> Redemption {
    guard let grant = grants.removeValue(forKey: code) else { return .unknown }
    return now < grant.expiresAt ? .valid(grant) : .expired
  }
}
