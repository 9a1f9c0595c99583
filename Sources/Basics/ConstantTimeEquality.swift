/// Compares secrets (an OAuth `state`, a served path, a token a caller says was refused) without an early exit, so
/// the time a comparison takes says nothing about how much of a guess was right.
package enum ConstantTimeEquality {
  /// Whether `lhs` and `rhs` have the same UTF-8 bytes; every byte of the longer one is looked at either way.
  package static func equal(_ lhs: String, _ rhs: String) -> Bool {
    let (left, right) = (Array(lhs.utf8), Array(rhs.utf8))
    var difference = UInt8(left.count == right.count ? 0 : 1)
    for index in 0..<max(left.count, right.count) {
      difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
    }
    return difference == 0
  }
}
