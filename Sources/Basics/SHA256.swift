#if canImport(CryptoKit)
  import CryptoKit
#endif

/// SHA-256 (FIPS 180-4) as a value: feed bytes with ``update(_:)`` as they come, then ``finalize()``.
///
/// OAuth needs it for PKCE's `S256` challenge, and Linux has no CryptoKit (nor any other hash in the modules we allow
/// ourselves), so the package carries its own. Where CryptoKit exists it does the work instead, under the same API:
/// the system's implementation is hardware-accelerated and maintained by people whose job is cryptography, and ours
/// then only has to be right on Linux, where the tests run it against the NIST vectors.
///
/// The portable implementation compresses whole 64-byte blocks straight out of the caller's buffer and keeps at
/// most one partial block, so hashing allocates nothing per byte. `Sendable` is inferred, not declared, because
/// the CryptoKit hasher it wraps on Apple platforms is only as `Sendable` as that SDK says.
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))   // 32 bytes, ba7816bf...
/// var hasher = SHA256()
/// hasher.update(Array("a".utf8))
/// hasher.update(Array("bc".utf8))
/// assert(hasher.finalize() == digest)
/// ```
package struct SHA256 {
  /// The digest length in bytes.
  package static let byteCount = 32
  /// The block length in bytes.
  package static let blockByteCount = 64

  #if canImport(CryptoKit)
    private var hasher = CryptoKit.SHA256()
  #else
    private var state = Words.initial
    /// The bytes of an unfinished block, never 64 or more.
    private var pending: [UInt8] = []
    /// Every byte fed so far; SHA-256 appends the message length in bits.
    private var totalByteCount: UInt64 = 0
  #endif

  package init() {}

  /// The digest of `bytes` in one call.
  package static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// Adds bytes to the message. Contiguous collections (`[UInt8]`, `Data`, a native string's `utf8`) are read in
  /// place; anything else is copied once.
  package mutating func update(_ bytes: some Sequence<UInt8>) {
    let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
      update(bufferPointer: UnsafeRawBufferPointer(buffer))
    }
    if handled == nil {
      Array(bytes).withUnsafeBytes { update(bufferPointer: $0) }
    }
  }

  /// Adds the bytes in `buffer` to the message.
  package mutating func update(bufferPointer buffer: UnsafeRawBufferPointer) {
    #if canImport(CryptoKit)
      hasher.update(bufferPointer: buffer)
    #else
      guard !buffer.isEmpty else { return }
      totalByteCount &+= UInt64(buffer.count)
      var offset = 0
      if !pending.isEmpty {
        let taken = min(Self.blockByteCount - pending.count, buffer.count)
        pending.append(contentsOf: buffer[0..<taken])
        offset = taken
        guard pending.count == Self.blockByteCount else { return }
        pending.withUnsafeBytes { Self.compress(&state, blocks: $0) }
        pending.removeAll(keepingCapacity: true)
      }
      let wholeBlocks = (buffer.count - offset) / Self.blockByteCount * Self.blockByteCount
      if wholeBlocks > 0 {
        Self.compress(&state, blocks: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + wholeBlocks]))
        offset += wholeBlocks
      }
      if offset < buffer.count {
        pending.reserveCapacity(Self.blockByteCount)
        pending.append(contentsOf: buffer[offset...])
      }
    #endif
  }

  /// The digest of everything fed so far (32 bytes). The hasher itself is left as it was.
  package func finalize() -> [UInt8] {
    #if canImport(CryptoKit)
      return Array(hasher.finalize())
    #else
      // Padding: one 1 bit, zeros up to 56 bytes into a block, then the bit length as a big-endian UInt64.
      var tail = pending
      tail.append(0x80)
      let zeros = (Self.blockByteCount + 56 - tail.count % Self.blockByteCount) % Self.blockByteCount
      tail.append(contentsOf: repeatElement(0, count: zeros))
      let bitCount = totalByteCount &* 8
      for shift in stride(from: 56, through: 0, by: -8) {
        tail.append(UInt8(truncatingIfNeeded: bitCount >> UInt64(shift)))
      }
      var state = self.state
      tail.withUnsafeBytes { Self.compress(&state, blocks: $0) }
      var digest: [UInt8] = []
      digest.reserveCapacity(Self.byteCount)
      for word in [state.a, state.b, state.c, state.d, state.e, state.f, state.g, state.h] {
        digest.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) })
      }
      return digest
    #endif
  }

  #if !canImport(CryptoKit)
    /// The eight working words; a struct of scalars rather than an array so the hot loop stays in registers.
    private struct Words {
      var a, b, c, d, e, f, g, h: UInt32

      /// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
      static let initial = Words(
        a: 0x6a09_e667,
        b: 0xbb67_ae85,
        c: 0x3c6e_f372,
        d: 0xa54f_f53a,
        e: 0x510e_527f,
        f: 0x9b05_688c,
        g: 0x1f83_d9ab,
        h: 0x5be0_cd19
      )
    }

    /// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
      0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
      0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
      0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
      0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
      0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
      0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
      0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
      0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Runs the compression function (FIPS 180-4 §6.2.2) over each 64-byte block of `blocks`.
    private static func compress(_ state: inout Words, blocks: UnsafeRawBufferPointer) {
      roundConstants.withUnsafeBufferPointer { k in
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
          var start = 0
          while start < blocks.count {
            for t in 0..<16 {
              w[t] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: start + 4 * t, as: UInt32.self))
            }
            for t in 16..<64 {
              let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
              let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
              w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var v = state
            for t in 0..<64 {
              let sum1 = rotr(v.e, 6) ^ rotr(v.e, 11) ^ rotr(v.e, 25)
              let choice = (v.e & v.f) ^ (~v.e & v.g)
              let t1 = v.h &+ sum1 &+ choice &+ k[t] &+ w[t]
              let sum0 = rotr(v.a, 2) ^ rotr(v.a, 13) ^ rotr(v.a, 22)
              let majority = (v.a & v.b) ^ (v.a & v.c) ^ (v.b & v.c)
              let t2 = sum0 &+ majority
              v.h = v.g
              v.g = v.f
              v.f = v.e
              v.e = v.d &+ t1
              v.d = v.c
              v.c = v.b
              v.b = v.a
              v.a = t1 &+ t2
            }
            state.a &+= v.a
            state.b &+= v.b
            state.c &+= v.c
            state.d &+= v.d
            state.e &+= v.e
            state.f &+= v.f
            state.g &+= v.g
            state.h &+= v.h
            start += blockByteCount
          }
        }
      }
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
      (x >> n) | (x << (32 - n))
    }
  #endif
}
