import Basics
import Testing

/// Base64url without padding: round trips, the other alphabet refused, padding tolerated.
struct Base64URLTests {
  @Test(arguments: [
    ([UInt8](), ""),
    ([0xFB], "-w"),
    ([0xFF, 0xFF], "__8"),
    ([0x66, 0x6F, 0x6F], "Zm9v"),
    ([0x3E, 0x3F, 0xFE, 0xFF], "Pj_-_w"),
  ])
  func base64URLRoundTrips(_ bytes: [UInt8], _ text: String) {
    #expect(Base64URL.encode(bytes) == text)
    #expect(Base64URL.decode(text) == bytes)
  }

  @Test(arguments: ["Pj/+/w", "a", "Zm9v!", "Zm 9v"])
  func base64URLRejectsOtherText(_ text: String) {
    #expect(Base64URL.decode(text) == nil)
  }

  @Test func base64URLToleratesPadding() {
    #expect(Base64URL.decode("__8=") == [0xFF, 0xFF])
  }
}
