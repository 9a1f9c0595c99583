import Basics
import Testing

@Suite struct SecretScrubberTests {
  @Test(arguments: [
    "dapi0123456789abcdef0123456789abcdef",
    "dose0123456789abcdef0123456789abcdef",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl",
    "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0",
  ])
  func redactsCredentialShapedWords(_ secret: String) {
    #expect(SecretScrubber.scrub("the token \(secret) was refused") == "the token <redacted> was refused")
  }

  @Test func keepsOrdinaryText() {
    let text = "Requested token lifetime of 7776000 seconds exceeds the maximum token lifetime of 30 days."
    #expect(SecretScrubber.scrub(text) == text)
    #expect(SecretScrubber.scrub("Token with ID 0f1d1a97 does not exist.") == "Token with ID 0f1d1a97 does not exist.")
  }

  @Test func redactsKnownSecretsAndBoundsTheLength() {
    #expect(SecretScrubber.scrub("echo: hunter22xx", knownSecrets: ["hunter22xx"]) == "echo: <redacted>")
    #expect(SecretScrubber.scrub(String(repeating: "word ", count: 200)).count == SecretScrubber.maximumLength + 1)
  }

  @Test func redactsRememberedSecretsAndCredentialShapesButKeepsPathsAndIDs() {
    SecretScrubber.remember(["short", "remembered-5ecret-value"])
    #expect(SecretScrubber.redact("echo: remembered-5ecret-value!") == "echo: <redacted>!")
    #expect(SecretScrubber.redact("too short to matter") == "too short to matter")
    #expect(SecretScrubber.redact("Bearer abc123defg was refused") == "Bearer <redacted> was refused")
    #expect(SecretScrubber.redact("Invalid Bearer token") == "Invalid Bearer token")
    #expect(SecretScrubber.redact("dapi0123456789abcdef0123456789abcdef") == "<redacted>")
    let kept = "/tmp/brickauth-home-3f2a9c1e-5b7d-4e2f-9a1b-0c4d8e6f2a13/.databrickscfg 0f1d1a970f1d1a970f1d1a970f1d"
    #expect(SecretScrubber.redact(kept) == kept, "long paths and ids are no credentials")
    let long = String(repeating: "word ", count: 200)
    #expect(SecretScrubber.redact(long) == long, "only upstream text is cut")
  }
}
