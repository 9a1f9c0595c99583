package import Basics
import Foundation

extension Locked where Value: Collection & Sendable {
  /// The collection once it holds at least `count` elements (what a callback appended from another task), checked
  /// every 5 ms; after `seconds` a ``TestTimeout`` naming what it held. A bound against a hung test, not a timing goal.
  package func waitForCount(_ count: Int, seconds: Double = 20) async throws -> Value {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while true {
      let current = withLock { $0 }
      if current.count >= count { return current }
      guard Date() < deadline else { throw TestTimeout(what: "\(count) changes; got \(current)") }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
  }
}
