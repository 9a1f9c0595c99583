import Basics
package import Foundation

/// The workspace's time: the real clock plus an offset that tests move forward to expire tokens without waiting.
package final class SandboxClock: Sendable {
  private let offsetSeconds = Locked<TimeInterval>(0)

  package init() {}

  package func now() -> Date {
    Date().addingTimeInterval(offsetSeconds.withLock { $0 })
  }

  package func advance(bySeconds seconds: TimeInterval) {
    offsetSeconds.withLock { $0 += seconds }
  }
}
