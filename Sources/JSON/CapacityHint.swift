/// An empty sequence that reports `underestimatedCount` entries, used to create a `Dictionary` with room for that
/// many entries through the inlinable `Dictionary.init(_:uniquingKeysWith:)`.
///
/// See `Parser.takeMembers(from:)` for why not `init(minimumCapacity:)`. If a future standard library ignored the
/// hint, the only effect would be extra resizing.
struct CapacityHint: Sequence {
  let underestimatedCount: Int

  init(_ capacity: Int) {
    underestimatedCount = capacity
  }

  func makeIterator() -> EmptyCollection<(String, JSONValue)>.Iterator {
    EmptyCollection.Iterator()
  }
}
