import Basics
import Databricks
import Testing

/// PKCE as the Go SDK makes it: the RFC 7636 example, and fresh verifiers of 86 base64url characters.
struct PKCETests {
  /// RFC 7636 Appendix B.
  @Test func rfc7636AppendixB() {
    let randomBytes: [UInt8] = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240,
      91, 88, 5, 88, 83, 132, 141, 121,
    ]
    let verifier = PKCE.verifier(randomBytes: randomBytes)
    #expect(verifier == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    #expect(PKCE.challenge(for: verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
  }

  @Test func verifiersAreEightySixUnpaddedBase64URLCharacters() {
    let verifier = PKCE.randomVerifier()
    #expect(verifier.count == 86)
    #expect(verifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    #expect(PKCE.randomVerifier() != verifier)
    let challenge = PKCE.challenge(for: verifier)
    #expect(challenge.count == 43)
    #expect(Base64URL.decode(challenge) == SHA256.hash(verifier.utf8))
    #expect(PKCE.method == "S256")
  }
}
