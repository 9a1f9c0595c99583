import Basics
import Dispatch
package import JSON

/// What a running request can do besides returning: report progress, record partial work, notice cancellation.
///
/// Progress is opt-in: nothing is sent unless the request carried `params._meta.progressToken`. All progress for
/// a request is written before its response and none after it, because both go out under this context's lock
/// onto the same ordered writer.
package final class RequestContext: Sendable {
  /// How a request was cancelled, which decides what (if anything) is sent for it.
  package enum CancelMode: Sendable, Equatable {
    case none
    /// `$/cancelRequest`: answer `-32800` with `data.partial`.
    case answer
    /// `notifications/cancelled`: send nothing more for this request.
    case silent
    /// The process is terminating: answer `-32800` with `data.kind = "shutting_down"`.
    case shutdown
  }

  private struct State {
    var finished = false
    var cancelMode = CancelMode.none
    var task: Task<Void, Never>?
    var lastProgress: Double?
    var lastProgressTime: UInt64 = 0
    var partial: JSONValue?
    var afterAnswer: [@Sendable () -> Void] = []
  }

  /// The request id, or `nil` for a notification.
  package let id: RequestID?
  package let method: String
  /// `params._meta` of the request (MCP and our own extensions live there).
  package let meta: [String: JSONValue]
  private let writer: any MessageWriter
  /// The connection the request came on: for what outlives the request (a watch's notifications).
  package let session: ConnectionSession
  private let state = Locked(State())

  /// Minimum spacing of progress notifications: the contract allows about ten per second per request.
  package static let progressInterval: UInt64 = 100_000_000

  package init(
    id: RequestID?,
    method: String,
    meta: [String: JSONValue],
    writer: any MessageWriter,
    session: ConnectionSession? = nil
  ) {
    self.id = id
    self.method = method
    self.meta = meta
    self.writer = writer
    self.session = session ?? ConnectionSession(writer: writer)
  }

  /// The client's progress token, when it asked for progress.
  package var progressToken: JSONValue? {
    switch meta["progressToken"] {
    case .string?, .int?, .double?: meta["progressToken"]
    default: nil
    }
  }

  package var isCancelled: Bool { state.withLock { $0.cancelMode != .none } }

  /// Sends `notifications/progress` if the client asked for it.
  ///
  /// Non-increasing values are dropped (MCP requires strictly increasing progress), and updates closer than
  /// ``progressInterval`` to the previous one are dropped unless they complete the total.
  /// - Parameter extras: structured details, sent under `params._meta` with the `brickauth/` prefix.
  package func reportProgress(
    _ progress: Double,
    total: Double? = nil,
    message: String,
    extras: [String: JSONValue] = [:]
  ) {
    guard let token = progressToken else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    state.withLock { state in
      guard !state.finished, state.cancelMode != .silent else { return }
      if let last = state.lastProgress {
        guard progress > last else { return }
        let completes = total.map { progress >= $0 } ?? false
        guard completes || now &- state.lastProgressTime >= Self.progressInterval else { return }
      }
      state.lastProgress = progress
      state.lastProgressTime = now
      var params: [String: JSONValue] = [
        "progressToken": token, "progress": Self.number(progress), "message": .string(message),
      ]
      if let total { params["total"] = Self.number(total) }
      if !extras.isEmpty {
        params["_meta"] = .object(Dictionary(uniqueKeysWithValues: extras.map { ("brickauth/\($0.key)", $0.value) }))
      }
      writer.write(OutgoingMessage.notification(method: "notifications/progress", params: .object(params)))
    }
  }

  /// Runs `action` once the request's answer has been written (at once if it already has; for a request sent as a
  /// notification, which gets none, once it ends): for what must not reach the client before the answer does, such
  /// as the first notification of a watch whose id the answer carries.
  package func afterAnswer(_ action: @escaping @Sendable () -> Void) {
    let runNow = state.withLock { state in
      if !state.finished { state.afterAnswer.append(action) }
      return state.finished
    }
    if runNow { action() }
  }

  /// Records what has been done so far; sent as `data.partial` if the request is cancelled.
  package func recordPartial(_ partial: JSONValue) {
    state.withLock { $0.partial = partial }
  }

  // MARK: Used by the connection

  func attach(_ task: Task<Void, Never>) {
    let cancelNow = state.withLock { state in
      state.task = task
      return state.cancelMode != .none
    }
    if cancelNow { task.cancel() }
  }

  /// Marks the request cancelled and cancels its task. A silent cancel is never downgraded to an answered one.
  func cancel(_ mode: CancelMode) {
    let task: Task<Void, Never>? = state.withLock { state in
      guard !state.finished else { return nil }
      if state.cancelMode == .none || mode == .silent { state.cancelMode = mode }
      return state.task
    }
    task?.cancel()
  }

  /// Ends the request exactly once: computes its response (or none) and hands it to `send` under the lock, so no
  /// progress can slip in after it, with the actions to run once it is written (``afterAnswer(_:)``).
  func finish(
    _ outcome: Result<JSONValue, any Error>,
    send: (_ answer: [UInt8]?, _ afterWritten: [@Sendable () -> Void]) -> Void
  ) {
    state.withLock { state in
      guard !state.finished else { return }
      state.finished = true
      let afterWritten = state.afterAnswer
      state.afterAnswer = []
      guard let id else {
        send(nil, afterWritten)
        return
      }
      switch (outcome, state.cancelMode) {
      case (_, .silent):
        send(nil, afterWritten)
      case (.success(let result), _):
        // Work that completed is reported even if a cancel raced it: it was committed upstream.
        send(OutgoingMessage.result(id: id, result), afterWritten)
      case (.failure, .answer):
        send(OutgoingMessage.error(id: id, .cancelled(partial: state.partial)), afterWritten)
      case (.failure, .shutdown):
        send(OutgoingMessage.error(id: id, .shuttingDown(partial: state.partial)), afterWritten)
      case (.failure(let error), .none):
        send(OutgoingMessage.error(id: id, Self.wireError(error, partial: state.partial)), afterWritten)
      }
    }
  }

  private static func wireError(_ error: any Error, partial: JSONValue?) -> RPCError {
    switch error {
    case let error as RPCError: return error
    case is CancellationError: return .cancelled(partial: partial)
    default:
      // A bounded message: the error's description could carry upstream text, so only its type is logged.
      StderrLog.error("internal error: \(type(of: error))")
      return .internalError()
    }
  }

  private static func number(_ value: Double) -> JSONValue {
    if value.rounded() == value, abs(value) < 9.0e15 { return .int(Int64(value)) }
    return .double(value)
  }
}
