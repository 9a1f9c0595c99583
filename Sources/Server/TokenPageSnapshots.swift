import Databricks
package import Foundation

/// Snapshots of token lists kept for paging: `listTokens` fetches the whole list once, and `cursor` pages through that snapshot.
///
/// Databricks' list endpoints have no paging, and a workspace can have tens of thousands of tokens, more than one
/// output line should carry. Paging over a snapshot (rather than re-listing) keeps pages consistent while tokens
/// come and go. Snapshots expire after ``lifetime`` and at most ``capacity`` are kept.
package actor TokenPageSnapshots {
  static let lifetime: TimeInterval = 600
  static let capacity = 32

  private var snapshots: [String: (tokens: [TokenInfo], created: Date, query: String)] = [:]
  private let now: @Sendable () -> Date

  package init(now: @escaping @Sendable () -> Date = Date.init) {
    self.now = now
  }

  /// Keeps `tokens` and returns the cursor of the page starting at `offset`, or `nil` when nothing is left.
  func store(_ tokens: [TokenInfo], query: String, nextOffset offset: Int) -> String? {
    guard offset < tokens.count else { return nil }
    expire()
    if snapshots.count >= Self.capacity, let oldest = snapshots.min(by: { $0.value.created < $1.value.created }) {
      snapshots[oldest.key] = nil
    }
    let id = UUID().uuidString.lowercased()
    snapshots[id] = (tokens, now(), query)
    return "\(id).\(offset)"
  }

  /// The snapshot and offset a cursor names, if it is still kept and belongs to the same query.
  ///
  /// The offset is the client's text, so it must be one a cursor of this snapshot could carry (inside the list):
  /// then the page's end, `offset + limit`, cannot overflow.
  func resume(_ cursor: String, query: String) -> (tokens: [TokenInfo], offset: Int, id: String)? {
    expire()
    let parts = cursor.split(separator: ".")
    guard parts.count == 2, let offset = Int(parts[1]), let snapshot = snapshots[String(parts[0])],
      snapshot.query == query, snapshot.tokens.indices.contains(offset)
    else { return nil }
    return (snapshot.tokens, offset, String(parts[0]))
  }

  /// The cursor of the next page of an existing snapshot (`nil` at the end, which also drops the snapshot).
  func cursor(after offset: Int, in id: String) -> String? {
    guard let snapshot = snapshots[id], offset < snapshot.tokens.count else {
      snapshots[id] = nil
      return nil
    }
    return "\(id).\(offset)"
  }

  private func expire() {
    let current = now()
    snapshots = snapshots.filter { current.timeIntervalSince($0.value.created) < Self.lifetime }
  }
}
