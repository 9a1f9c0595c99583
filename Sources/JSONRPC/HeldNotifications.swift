import Basics
package import JSON

/// Notifications a request starts that must not reach the client before the request's own answer does: a watch's
/// events carry the watch id that only the answer tells the client, so an event sent first would name an id the
/// client has never heard of, and it would be dropped.
///
/// Until the answer is written they are held, in order; then they are sent, and every later one goes out at once.
///
/// ```swift
/// let events = HeldNotifications(until: call.request)
/// let id = try await watches.watch { event in events.notify(method: "x/changed", params: event.json) }
/// return Result(watchId: id)
/// ```
package final class HeldNotifications: Sendable {
  private struct State {
    var released = false
    var held: [(method: String, params: JSONValue)] = []
  }

  private let session: ConnectionSession
  private let state = Locked(State())

  package init(until request: RequestContext) {
    session = request.session
    request.afterAnswer { [self] in release() }
  }

  /// Sends the notification now if the answer is out, otherwise once it is.
  package func notify(method: String, params: JSONValue) {
    state.withLock { state in
      if state.released {
        session.notify(method: method, params: params)
      } else {
        state.held.append((method, params))
      }
    }
  }

  /// Sends what was held, under the lock, so a notification arriving meanwhile cannot overtake it.
  private func release() {
    state.withLock { state in
      state.released = true
      for notification in state.held { session.notify(method: notification.method, params: notification.params) }
      state.held = []
    }
  }
}
