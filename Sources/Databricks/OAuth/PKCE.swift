import Basics

/// Proof Key for Code Exchange (RFC 7636) with the `S256` method, made exactly as the Go SDK makes it.
///
/// The verifier is base64url (no padding) of 64 random bytes, so 86 characters, within RFC 7636's 43 to 128; the
/// challenge is base64url (no padding) of the SHA-256 of the verifier's ASCII. The random bytes are
/// a parameter so tests can pin them; ``randomVerifier()`` draws them from the system's secure generator.
///
/// ```swift
/// let verifier = PKCE.randomVerifier()
/// let challenge = PKCE.challenge(for: verifier)
/// // authorize with code_challenge=challenge&code_challenge_method=S256, redeem the code with verifier
/// ```
package enum PKCE {
  /// The only method Databricks' `databricks-cli` app takes, and the only one this package sends.
  package static let method = "S256"
  /// How many random bytes go into a verifier, as in the Go SDK.
  package static let verifierByteCount = 64

  package static func verifier(randomBytes: [UInt8]) -> String {
    Base64URL.encode(randomBytes)
  }

  /// A fresh verifier from `SystemRandomNumberGenerator`, which reads the kernel's CSPRNG (`getrandom` on Linux,
  /// `arc4random` on Apple platforms).
  package static func randomVerifier() -> String {
    verifier(randomBytes: SecureRandom.bytes(count: verifierByteCount))
  }

  /// `base64url(SHA-256(ASCII(verifier)))` without padding (RFC 7636 §4.2).
  package static func challenge(for verifier: String) -> String {
    Base64URL.encode(SHA256.hash(verifier.utf8))
  }

}
