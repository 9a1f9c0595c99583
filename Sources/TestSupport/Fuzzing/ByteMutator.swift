/// Damages valid input the ways hostile or broken clients do, reproducibly from a seed: bit flips, truncation,
/// deleted and repeated runs, and insertions of the bytes parsers and framers care about most (`{`, `"`, `\`,
/// newlines, `Content-Length:` headers, NUL, invalid UTF-8, numbers no double can hold).
package struct ByteMutator {
  package var generator: SeededGenerator

  package init(seed: UInt64) {
    generator = SeededGenerator(seed: seed ^ 0x6D75_7461_7465)
  }

  private static let insertions: [[UInt8]] =
    [
      "{", "}", "[", "]", "\"", "\\", ",", ":", "\n", "\r", "\r\n", "\r\n\r\n", " ", "\u{0}",
      "Content-Length: 2\r\n\r\n",
      "Content-Length: 99999999999999999999\r\n\r\n", "content-length:", "Content-Length: 7\r\n", "1e300", "-1e400",
      "123456789012345678901234567890", "-0", "\\u", "\\uD800", "\\uDC00\\uD800", "null", "true", "\"jsonrpc\":\"2.0\"",
      "\"id\":", "\"method\":\"ping\"", "\u{2028}",
    ].map { Array($0.utf8) } + [
      [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80], [0xEF, 0xBB, 0xBF],
    ]

  /// `bytes` with one to three random mutations.
  package mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    for _ in 0..<Int.random(in: 1...3, using: &generator) {
      let position = Int.random(in: 0...bytes.count, using: &generator)
      switch Int.random(in: 0..<6, using: &generator) {
      case 0 where position < bytes.count:
        bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
      case 1:
        bytes.removeSubrange(position...)
      case 2:
        let end = min(bytes.count, position + Int.random(in: 1...8, using: &generator))
        bytes.removeSubrange(position..<end)
      case 3:
        let end = min(bytes.count, position + Int.random(in: 1...16, using: &generator))
        bytes.insert(contentsOf: bytes[position..<end], at: position)
      default:
        bytes.insert(contentsOf: Self.insertions.randomElement(using: &generator) ?? [], at: position)
      }
    }
    return bytes
  }

  /// `bytes` cut into random pieces, as reads from a pipe deliver them.
  package mutating func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var pieces: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
      let end = min(bytes.count, start + Int.random(in: 1...max(1, bytes.count / 3), using: &generator))
      pieces.append(bytes[start..<end])
      start = end
    }
    return pieces
  }
}
