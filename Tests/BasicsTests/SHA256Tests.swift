import Basics
import Foundation
import Testing

/// SHA-256 against FIPS 180-4 / NIST vectors, digests at the padding boundaries, incremental feeding.
@Suite struct SHA256Tests {
  private static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
  }

  /// `n` bytes counting up from 0 and wrapping at 256: each length crosses the padding rules differently.
  private static func counting(_ n: Int) -> [UInt8] {
    (0..<n).map { UInt8(truncatingIfNeeded: $0) }
  }

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
    (
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    ),
  ])
  func nistVectors(_ message: String, _ digest: String) {
    #expect(Self.hex(SHA256.hash(Array(message.utf8))) == digest)
    #expect(Self.hex(SHA256.hash(message.utf8)) == digest, "a string's UTF-8 view hashes in place")
  }

  @Test func oneMillionAs() {
    #expect(
      Self.hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    )
  }

  /// Expected values from Python's `hashlib.sha256(bytes(i % 256 for i in range(n)))`.
  @Test(arguments: [
    (1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    (54, "675f28acc0b90a72d1c3a570fe83ac565555db358cf01826dc8eefb2bf7ca0f3"),
    (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
    (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
    (57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"),
    (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
    (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
    (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
    (111, "60780e9451bdc43cf4530ffc95cbb0c4eb24dae2c39f55f334d679e076c08065"),
    (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
    (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
    (127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"),
    (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
    (129, "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135"),
    (1000, "a8af099bf2e878609558dbf69d8f88f4a31040a8cf84b549a0cfa912f12ffc3f"),
  ])
  func paddingBoundaries(_ length: Int, _ digest: String) {
    #expect(Self.hex(SHA256.hash(Self.counting(length))) == digest)
  }

  @Test func everyTwoWaySplitEqualsTheOneShotDigest() {
    let message = Self.counting(200)
    let expected = SHA256.hash(message)
    for split in 0...message.count {
      var hasher = SHA256()
      hasher.update(message[..<split])
      hasher.update(message[split...])
      #expect(hasher.finalize() == expected, "split at \(split)")
    }
  }

  @Test func byteByByteAndUnevenChunksEqualTheOneShotDigest() {
    let message = Self.counting(1000)
    let expected = SHA256.hash(message)
    var single = SHA256()
    for byte in message { single.update([byte]) }
    #expect(single.finalize() == expected)

    for chunk in [3, 55, 56, 63, 64, 65, 127] {
      var hasher = SHA256()
      var start = 0
      while start < message.count {
        let end = min(start + chunk, message.count)
        hasher.update(message[start..<end])
        start = end
      }
      #expect(hasher.finalize() == expected, "chunks of \(chunk)")
    }
  }

  @Test func nonContiguousSequencesAndDataHashTheSame() {
    let message = Self.counting(300)
    let expected = SHA256.hash(message)
    #expect(SHA256.hash(message.lazy.map { $0 }) == expected)
    #expect(SHA256.hash(Data(message)) == expected)
    #expect(SHA256.hash(message.reversed().reversed()) == expected)
  }

  @Test func finalizeLeavesTheHasherUsable() {
    var hasher = SHA256()
    hasher.update(Array("ab".utf8))
    _ = hasher.finalize()
    hasher.update(Array("c".utf8))
    #expect(Self.hex(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(hasher.finalize().count == SHA256.byteCount)
  }

  @Test func hashersCrossConcurrencyDomains() async {
    let hasher = SHA256()
    let digest = await Task.detached { hasher.finalize() }.value
    #expect(Self.hex(digest) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }
}
