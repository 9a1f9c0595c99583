import Sandbox
import Testing

/// The sandbox's own S256 check, against the example of RFC 7636 Appendix B.
@Suite struct PKCEVerifierTests {
  private let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
  private let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

  @Test func matchesTheRFCExample() {
    #expect(PKCEVerifier.method == "S256")
    #expect(PKCEVerifier.challenge(for: verifier) == challenge)
    #expect(PKCEVerifier.verifies(verifier, against: challenge))
  }

  @Test func refusesAnotherOrAMalformedVerifier() {
    #expect(!PKCEVerifier.verifies(String(verifier.dropLast()) + "l", against: challenge))
    let short = String(repeating: "a", count: 42)
    #expect(!PKCEVerifier.verifies(short, against: PKCEVerifier.challenge(for: short)), "under 43 characters")
    let long = String(repeating: "a", count: 129)
    #expect(!PKCEVerifier.verifies(long, against: PKCEVerifier.challenge(for: long)), "over 128 characters")
    let spaced = String(repeating: "a", count: 42) + " "
    #expect(!PKCEVerifier.verifies(spaced, against: PKCEVerifier.challenge(for: spaced)), "a reserved character")
    let longest = String(repeating: "A-._~9", count: 21) + "zz"
    #expect(PKCEVerifier.verifies(longest, against: PKCEVerifier.challenge(for: longest)), "128 unreserved")
  }
}
