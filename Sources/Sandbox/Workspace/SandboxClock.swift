import Basics
package import Foundation

/// The workspace's time: the real clock plus an offset that tests move forward to expire tokens without waiting, or
/// (frozen) a fixed instant that moves only when told, so a test can place a token exactly on a boundary.
package final class SandboxClock: Sendable {
  private struct State {
    var offsetSeconds: TimeInterval = 0
    var frozenAt: Date?
  }

  private let state = Locked(State())

  package init() {}

  package func now() -> Date {
    state.withLock { $0.frozenAt ?? Date().addingTimeInterval($0.offsetSeconds) }
  }

  package var isFrozen: Bool {
    state.withLock { $0.frozenAt != nil }
  }

  package func advance(bySeconds seconds: TimeInterval) {
    state.withLock { state in
      if let frozen = state.frozenAt {
        state.frozenAt = frozen.addingTimeInterval(seconds)
      } else {
        state.offsetSeconds += seconds
      }
    }
  }

  /// Stops the clock (`true`) at the start of its current second, so every time measured from it is a whole number
  /// of milliseconds, or lets it run on from where it stands (`false`).
  package func setFrozen(_ frozen: Bool) {
    state.withLock { state in
      switch (frozen, state.frozenAt) {
      case (true, nil):
        let current = Date().addingTimeInterval(state.offsetSeconds)
        state.frozenAt = Date(timeIntervalSince1970: current.timeIntervalSince1970.rounded(.down))
      case (false, let frozenAt?):
        state.frozenAt = nil
        state.offsetSeconds = frozenAt.timeIntervalSinceNow
      default:
        break
      }
    }
  }
}
