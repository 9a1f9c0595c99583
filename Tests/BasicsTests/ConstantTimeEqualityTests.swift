import Basics
import Testing

/// Equality of secrets without an early exit: the answers are those of `==` on the bytes, lengths included.
struct ConstantTimeEqualityTests {
  @Test(arguments: [
    ("", "", true),
    ("abc", "abc", true),
    ("abc", "abd", false),
    ("abc", "ab", false),
    ("ab", "abc", false),
    ("abc\u{0}", "abc", false),
    ("", "a", false),
    ("café", "cafe\u{301}", false),
  ])
  func agreesWithByteEquality(_ lhs: String, _ rhs: String, _ equal: Bool) {
    #expect(ConstantTimeEquality.equal(lhs, rhs) == equal)
    #expect(ConstantTimeEquality.equal(rhs, lhs) == equal)
  }
}
