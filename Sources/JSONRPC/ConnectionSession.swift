import Basics
package import JSON

/// What outlives one request but not the connection: notifications the service sends on its own (a watch's events),
/// and what must stop when the connection ends.
///
/// Notifications go through the connection's one ordered writer, so they are whole frames between answers, never
/// inside one. Once the connection has ended (stdin EOF, a signal, a broken stdout) nothing more is sent, and the
/// actions registered with ``whenClosed(_:)`` have run exactly once: a watch cannot outlive its client.
package final class ConnectionSession: Sendable {
  private struct State {
    var closed = false
    var onClose: [@Sendable () -> Void] = []
  }

  private let writer: any MessageWriter
  private let state = Locked(State())

  package init(writer: any MessageWriter) {
    self.writer = writer
  }

  /// Sends the notification `method` with `params`, unless the connection has ended.
  package func notify(method: String, params: JSONValue) {
    state.withLock { state in
      guard !state.closed else { return }
      writer.write(OutgoingMessage.notification(method: method, params: params))
    }
  }

  /// Runs `action` when the connection ends, or at once if it already has.
  package func whenClosed(_ action: @escaping @Sendable () -> Void) {
    let closed = state.withLock { state in
      if !state.closed { state.onClose.append(action) }
      return state.closed
    }
    if closed { action() }
  }

  package var isClosed: Bool { state.withLock { $0.closed } }

  /// Ends the session: no more notifications, and every registered action runs (once).
  func close() {
    let actions = state.withLock { state in
      defer { state.onClose.removeAll() }
      state.closed = true
      return state.onClose
    }
    for action in actions { action() }
  }
}
