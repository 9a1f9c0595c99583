/// Cryptographically secure random bytes: PKCE verifiers, OAuth `state` values, and the sandbox's codes and tokens.
///
/// `SystemRandomNumberGenerator` reads the kernel's CSPRNG (`getrandom` on Linux, `arc4random` on Apple platforms),
/// so nothing here is seeded or predictable.
package enum SecureRandom {
  package static func bytes(count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
  }
}
