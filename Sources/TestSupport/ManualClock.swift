import Basics
package import Foundation

/// A clock a test moves by hand, for decisions that change with time alone (a token entering its refresh margin)
/// without a test waiting for real time to pass.
package final class ManualClock: Sendable {
  private let current: Locked<Date>

  package init(_ start: Date) {
    current = Locked(start)
  }

  package func now() -> Date {
    current.withLock { $0 }
  }

  package func advance(seconds: TimeInterval) {
    current.withLock { $0 = $0.addingTimeInterval(seconds) }
  }
}
