/// Which keys of the top-level object a decoding asked about, so unknown request params can be rejected.
///
/// A reference type because every container and nested single-value decoder of the top level must record into
/// the same set while the `Decodable` implementation runs.
final class KeyUsage {
  private(set) var askedKeys: Set<String> = []
  /// Set when the top-level value was taken whole (decoded as `JSONValue` or a dictionary), so every key counts
  /// as known.
  var consumedWhole = false

  func noteAsked(_ key: String) {
    askedKeys.insert(key)
  }

  /// The keys of `value` (when it is an object) that were never asked about, sorted.
  func unaskedKeys(of value: JSONValue) -> [String] {
    guard !consumedWhole, case .object(let members) = value else { return [] }
    return members.keys.filter { !askedKeys.contains($0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }
}
