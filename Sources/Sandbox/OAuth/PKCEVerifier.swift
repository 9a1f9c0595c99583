import Basics

/// How the sandbox's authorization server checks PKCE (RFC 7636) with the `S256` method, the only method the
/// `databricks-cli` app accepts.
///
/// Written here rather than borrowed from the client under test: a mistake in how the client makes its challenge
/// must fail against an independent check, not pass against the same mistake. What could differ (the method, the
/// verifier's alphabet and length, how they are compared) is the sandbox's own; the SHA-256 and base64url it shares
/// with the client through `Basics` are pinned by the RFC 7636 Appendix B example here and NIST's vectors there, so
/// a bug in them fails a test instead of passing on both sides.
///
/// ```swift
/// PKCEVerifier.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
/// // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/// ```
package enum PKCEVerifier {
  /// The `code_challenge_method` an authorize request must name.
  package static let method = "S256"

  /// base64url without padding of the SHA-256 of the verifier's ASCII bytes.
  package static func challenge(for verifier: String) -> String {
    Base64URL.encode(SHA256.hash(verifier.utf8))
  }

  /// Whether `verifier` is well formed and is the one `challenge` was made from.
  ///
  /// A verifier is 43 to 128 unreserved characters (letters, digits, `-`, `.`, `_`, `~`); anything else cannot be
  /// what a correct client made its challenge from, whatever it hashes to.
  package static func verifies(_ verifier: String, against challenge: String) -> Bool {
    isWellFormed(verifier) && Self.challenge(for: verifier) == challenge
  }

  private static func isWellFormed(_ verifier: String) -> Bool {
    (43...128).contains(verifier.utf8.count)
      && verifier.utf8.allSatisfy { byte in
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
          UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
          UInt8(ascii: "~"):
          true
        default:
          false
        }
      }
  }
}
