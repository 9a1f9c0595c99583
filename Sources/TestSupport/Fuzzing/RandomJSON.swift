package import JSON

/// Builds random `JSONValue` trees that stress the writer and parser: every escape class, multi-byte text,
/// line separators, extreme integers and doubles, and nesting.
package struct RandomJSON {
  package var generator: SeededGenerator

  package init(seed: UInt64) {
    generator = SeededGenerator(seed: seed)
  }

  /// Scalars chosen to hit every branch of string escaping and UTF-8 validation.
  private static let scalars: [Unicode.Scalar] = [
    "a", "z", "A", "0", " ", "/", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1F}",
    "\u{7F}", "\u{80}", "é", "\u{301}", "€", "\u{2027}", "\u{2028}", "\u{2029}", "\u{FFFD}", "\u{FEFF}", "中",
    "😀", "\u{10FFFF}",
  ]

  private static let doubles: [Double] = [
    0, -0.0, 1, -1, 0.5, 1.5, 1e300, -1e300, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
    9_007_199_254_740_992, 1e21, 123.456,
  ]

  package mutating func string() -> String {
    let length = Int.random(in: 0...12, using: &generator)
    var scalars = String.UnicodeScalarView()
    for _ in 0..<length {
      scalars.append(Self.scalars.randomElement(using: &generator) ?? "a")
    }
    return String(scalars)
  }

  package mutating func int() -> Int64 {
    switch Int.random(in: 0..<4, using: &generator) {
    case 0: [Int64.min, Int64.max, 0, -1, 1].randomElement(using: &generator) ?? 0
    case 1: Int64.random(in: -1000...1000, using: &generator)
    default: Int64(bitPattern: generator.next())
    }
  }

  package mutating func double() -> Double {
    if Bool.random(using: &generator) {
      return Self.doubles.randomElement(using: &generator) ?? 0
    }
    while true {
      let double = Double(bitPattern: generator.next())
      if double.isFinite { return double }
    }
  }

  package mutating func value(depth: Int = 0) -> JSONValue {
    let containerAllowed = depth < 5
    switch Int.random(in: 0..<(containerAllowed ? 8 : 6), using: &generator) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &generator))
    case 2: return .int(int())
    case 3: return .double(double())
    case 4, 5: return .string(string())
    case 6:
      let count = Int.random(in: 0...4, using: &generator)
      return .array((0..<count).map { _ in value(depth: depth + 1) })
    default:
      let count = Int.random(in: 0...5, using: &generator)
      var members: [String: JSONValue] = [:]
      for _ in 0..<count {
        members[string()] = value(depth: depth + 1)
      }
      return .object(members)
    }
  }
}
