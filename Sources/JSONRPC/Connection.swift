import Basics
import Dispatch
import JSON

/// The JSON-RPC 2.0 engine: classifies incoming messages, runs requests concurrently, answers each exactly once.
///
/// Input arrives on the reader thread through ``receive(_:)``; each request runs in its own task and is answered
/// as it completes (out of order is normal). Cancellation (`$/cancelRequest`, `notifications/cancelled`) is
/// handled right on the reader thread, never queued behind work. The lifecycle follows the wire contract:
/// at EOF in-flight requests finish and then the process exits 0; on SIGTERM/SIGINT they are cancelled and
/// answered `-32800 shutting_down`; when output breaks (EPIPE) everything is cancelled silently.
///
/// ```swift
/// let connection = Connection(handlers: table, writer: writer)
/// StdioReader(fd: 0, connection: connection, maxMessageBytes: 16 << 20).start()
/// exit(connection.waitForExit())
/// ```
package final class Connection: Sendable {
  private struct State {
    /// Requests with an id that have not been answered yet.
    var inFlight: [RequestID: RequestContext] = [:]
    /// Everything still running: requests, notifications and batches waiting for their elements.
    var active = 0
    /// The batches counted in `active`: they run nothing themselves, so they hold no slot of the request limit.
    var openBatches = 0
    var inputClosed = false
    var shutdownRequested = false
    /// Set by the `exit` notification: the exit code to use once in-flight work has answered.
    var exitRequested: Int32?
    /// Continuations of `shutdown` requests waiting for other work to drain.
    var drainWaiters: [CheckedContinuation<Void, Never>] = []
    var exitCode: Int32?
  }

  private let handlers: [String: MethodHandler]
  private let writer: any MessageWriter
  private let state = Locked(State())
  private let maxActive: Int
  /// Notifications and watches that belong to the connection rather than to one request; closed when it ends.
  package let session: ConnectionSession

  /// - Parameter maxActive: how many requests may run at once before ``receive(_:)`` blocks its caller (the reader
  ///   thread). This is the input backpressure: a client pipelining 200,000 requests fills the pipe and waits,
  ///   instead of the service holding 200,000 tasks in memory. The requests of a batch take slots one by one like
  ///   lines, so one batch line cannot start more. Notifications never wait, so a cancellation already read is never
  ///   queued behind work.
  package init(handlers: [MethodHandler], writer: any MessageWriter, maxActive: Int = 256) {
    self.handlers = Dictionary(handlers.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    self.writer = writer
    self.maxActive = max(1, maxActive)
    session = ConnectionSession(writer: writer)
  }

  // MARK: Input

  /// Handles one framed message (a line, or an LSP body).
  ///
  /// Blocks while ``maxActive`` requests are running, unless the message is a notification; call it from a
  /// dedicated thread (the stdio reader), never from the cooperative pool.
  package func receive(_ message: ArraySlice<UInt8>) {
    let value: JSONValue
    do {
      value = try JSONParser.parse(message)
    } catch {
      writer.write(OutgoingMessage.error(id: nil, .parseError("Parse error: \(error.reason)")))
      return
    }
    switch value {
    case .array(let elements):
      guard !elements.isEmpty else {
        writer.write(OutgoingMessage.error(id: nil, .invalidRequest("Invalid Request: empty batch")))
        return
      }
      guard elements.count <= Self.maxBatchElements else {
        writer.write(OutgoingMessage.error(id: nil, Self.batchTooLarge))
        return
      }
      receiveBatch(elements)
    default:
      waitForSlot(value)
      dispatch(IncomingMessage(value)) { [writer] answer, afterWritten in
        if let answer { writer.write(answer) }
        afterWritten.forEach { $0() }
      }
    }
  }

  /// The most elements a batch may have; a larger one is refused whole, before any element runs.
  package static let maxBatchElements = 1000

  private static let batchTooLarge = RPCError.invalidRequest(
    "Invalid Request: a batch may hold at most \(maxBatchElements) requests",
    kind: "batch_too_large"
  )

  /// Blocks the reader thread until `message`, if it is a request (it has an id), may start under ``maxActive``.
  private func waitForSlot(_ message: JSONValue) {
    guard message.objectValue?["id"] != nil else { return }
    state.wait(until: { [maxActive] in $0.active - $0.openBatches < maxActive || $0.exitCode != nil }) { _ in }
  }

  /// Handles what the framer delivered: a message, or the report of one it had to drop.
  package func receive(_ event: LineFramer.Event) {
    switch event {
    case .line(let message): receive(message)
    case .oversized: receiveOversizedMessage()
    case .brokenFrame:
      writer.write(
        OutgoingMessage.error(
          id: nil,
          .parseError("Parse error: the frame's Content-Length is missing or does not match its body")
        )
      )
    }
  }

  /// A message over the size limit was discarded by the framer.
  package func receiveOversizedMessage() {
    writer.write(
      OutgoingMessage.error(
        id: nil,
        .invalidRequest("Invalid Request: message exceeds the size limit", kind: "message_too_large")
      )
    )
  }

  /// End of input: no more requests. In-flight work finishes, then the process exits 0.
  package func inputClosed() {
    session.close()
    state.withLockAndSignal { state in
      state.inputClosed = true
      Self.exitIfIdle(&state)
    }
  }

  // MARK: Termination

  /// SIGTERM/SIGINT: cancel all in-flight work, let it answer `-32800 shutting_down`, and exit `128 + signal`.
  ///
  /// Blocks the calling thread (a signal handler queue) for at most `graceSeconds` while handlers unwind.
  package func terminate(signal: Int32, graceSeconds: Double = 1) {
    session.close()
    let running = state.withLock { state in
      state.shutdownRequested = true
      return Array(state.inFlight.values)
    }
    for context in running { context.cancel(.shutdown) }
    state.wait(until: { $0.active == 0 }, timeoutSeconds: graceSeconds) { _ in }
    state.withLockAndSignal { state in
      if state.exitCode == nil { state.exitCode = 128 + signal }
    }
  }

  /// Output is gone (EPIPE): nobody can read answers, so cancel everything silently and exit.
  package func outputFailed() {
    session.close()
    let running = state.withLock { Array($0.inFlight.values) }
    for context in running { context.cancel(.silent) }
    state.withLockAndSignal { state in
      if state.exitCode == nil { state.exitCode = 0 }
    }
  }

  /// Blocks the calling thread (the process's main thread) until the session is over; returns the exit code.
  package func waitForExit() -> Int32 {
    state.wait(until: { $0.exitCode != nil }) { $0.exitCode ?? 0 }
  }

  /// The exit code once the session is over, without blocking.
  package var exitCode: Int32? { state.withLock { $0.exitCode } }

  // MARK: Dispatch

  private func receiveBatch(_ elements: [JSONValue]) {
    let collector = BatchCollector(count: elements.count) { [writer] responses in
      if !responses.isEmpty { writer.write(OutgoingMessage.batch(responses)) }
    }
    state.withLock {
      $0.active += 1
      $0.openBatches += 1
    }
    for (index, element) in elements.enumerated() {
      waitForSlot(element)
      dispatch(IncomingMessage(element)) { collector.deliver($0, at: index, afterWritten: $1) }
    }
    collector.sealed { [self] in
      state.withLock { $0.openBatches -= 1 }
      requestEnded()
    }
  }

  /// Hands on a message's answer (`nil` when it has none), exactly once, and runs `afterWritten` once the answer is
  /// out: right after it is written, or for a batch element once the batch's array is.
  private typealias Responder = @Sendable (_ answer: [UInt8]?, _ afterWritten: [@Sendable () -> Void]) -> Void

  /// Routes one classified message to `respond`.
  private func dispatch(_ message: IncomingMessage, respond: @escaping Responder) {
    switch message {
    case .response:
      StderrLog.debug("ignored a response object from the client")
      respond(nil, [])
    case .invalid(let id, let reason):
      respond(OutgoingMessage.error(id: id, .invalidRequest("Invalid Request: \(reason)")), [])
    case .notification(let method, let params):
      respond(nil, [])
      handleNotification(method, params)
    case .request(let id, let method, let params):
      // After `shutdown` every request is refused the same way, whatever its method (LSP).
      if state.withLock({ $0.shutdownRequested }) {
        respond(OutgoingMessage.error(id: id, Self.shuttingDownRejection), [])
        return
      }
      if method == "shutdown" {
        handleShutdown(id: id, respond: respond)
        return
      }
      guard let handler = handlers[method] else {
        respond(OutgoingMessage.error(id: id, .methodNotFound(method)), [])
        return
      }
      start(handler, id: id, params: params, respond: respond)
    }
  }

  private func handleNotification(_ method: String, _ params: JSONValue?) {
    switch method {
    case "$/cancelRequest":
      if let id = params?["id"].flatMap(RequestID.init) { cancel(id, mode: .answer) }
    case "notifications/cancelled":
      if let id = params?["requestId"].flatMap(RequestID.init) { cancel(id, mode: .silent) }
    case "exit":
      // After `shutdown` this waits for the drain `shutdown` started (answers already being written must not be
      // lost when a client pipes `shutdown` and `exit` together); without it, in-flight work is cancelled and
      // answered `shutting_down`, and the exit code is 1, as LSP says.
      let abandoned: [RequestContext] = state.withLockAndSignal { state in
        guard state.exitRequested == nil else { return [] }
        let orderly = state.shutdownRequested
        state.exitRequested = orderly ? 0 : 1
        state.shutdownRequested = true
        Self.exitIfIdle(&state)
        return orderly ? [] : Array(state.inFlight.values)
      }
      for context in abandoned { context.cancel(.shutdown) }
    case "notifications/initialized":
      break
    default:
      // A notification is executed but never answered, even when it fails (JSON-RPC 2.0 §4.1).
      // It has no answer, so what waits for one runs when it ends.
      if let handler = handlers[method] {
        start(handler, id: nil, params: params) { _, afterWritten in afterWritten.forEach { $0() } }
      }
    }
  }

  private func cancel(_ id: RequestID, mode: RequestContext.CancelMode) {
    // `initialize` must not be cancelled (MCP); unknown and finished ids are ignored.
    guard let context = state.withLock({ $0.inFlight[id] }), context.method != "initialize" else { return }
    context.cancel(mode)
  }

  private func start(
    _ handler: MethodHandler,
    id: RequestID?,
    params: JSONValue?,
    respond: @escaping Responder
  ) {
    let meta = params?["_meta"]?.objectValue ?? [:]
    let context = RequestContext(id: id, method: handler.name, meta: meta, writer: writer, session: session)
    let rejection: RPCError? = state.withLock { state in
      if state.shutdownRequested { return Self.shuttingDownRejection }
      if let id {
        guard state.inFlight[id] == nil else {
          return .invalidRequest("Invalid Request: a request with this id is already in flight", kind: "duplicate_id")
        }
        state.inFlight[id] = context
      }
      state.active += 1
      return nil
    }
    if let rejection {
      respond(id.map { OutgoingMessage.error(id: $0, rejection) } ?? nil, [])
      return
    }
    let task = Task { [self] in
      let outcome: Result<JSONValue, any Error>
      do {
        outcome = .success(try await handler.run(params, context))
      } catch {
        outcome = .failure(error)
      }
      // The id is free again before its answer is out: a client may reuse it the moment it reads the answer.
      if let id { state.withLock { _ = $0.inFlight.removeValue(forKey: id) } }
      context.finish(outcome, send: respond)
      requestEnded()
    }
    context.attach(task)
  }

  private func handleShutdown(id: RequestID, respond: @escaping Responder) {
    let idle = state.withLock { state in
      state.shutdownRequested = true
      state.active += 1
      return state.active == 1
    }
    // Answer at once when nothing else runs, so an `exit` sent right behind `shutdown` cannot overtake it.
    if idle {
      respond(OutgoingMessage.result(id: id, .object([:])), [])
      requestEnded()
      return
    }
    Task { [self] in
      await withCheckedContinuation { continuation in
        let drained = state.withLock { state in
          // `active` counts this shutdown request itself.
          if state.active == 1 { return true }
          state.drainWaiters.append(continuation)
          return false
        }
        if drained { continuation.resume() }
      }
      respond(OutgoingMessage.result(id: id, .object([:])), [])
      requestEnded()
    }
  }

  private func requestEnded() {
    let waiters: [CheckedContinuation<Void, Never>] = state.withLockAndSignal { state in
      state.active -= 1
      Self.exitIfIdle(&state)
      // Only `shutdown` requests themselves remain: release them.
      guard state.active == state.drainWaiters.count else { return [] }
      defer { state.drainWaiters.removeAll() }
      return state.drainWaiters
    }
    for waiter in waiters { waiter.resume() }
  }

  private static func exitIfIdle(_ state: inout State) {
    guard state.active == 0, state.exitCode == nil else { return }
    if let code = state.exitRequested {
      state.exitCode = code
    } else if state.inputClosed {
      state.exitCode = 0
    }
  }

  /// The answer to a request that arrives after `shutdown` or `exit`. Retryable: it had no effect, so a new
  /// service process can take it.
  private static let shuttingDownRejection = RPCError(
    .invalidRequest,
    kind: "shutting_down",
    "Invalid Request: the service is shutting down",
    retryable: true
  )
}

/// Collects the responses of one batch and writes them as one array once every element is done.
private final class BatchCollector: Sendable {
  private struct State {
    var slots: [[UInt8]?]
    var pending: Int
    var sealed = false
    var onSealedCompletion: (@Sendable () -> Void)?
    /// The elements' actions for once the batch's array is written.
    var afterWritten: [@Sendable () -> Void] = []
  }

  private let state: Locked<State>
  private let write: @Sendable ([[UInt8]]) -> Void

  init(count: Int, write: @escaping @Sendable ([[UInt8]]) -> Void) {
    self.state = Locked(State(slots: Array(repeating: nil, count: count), pending: count))
    self.write = write
  }

  func deliver(_ response: [UInt8]?, at index: Int, afterWritten: [@Sendable () -> Void]) {
    let done: (@Sendable () -> Void)? = state.withLock { state in
      state.slots[index] = response
      state.afterWritten += afterWritten
      state.pending -= 1
      return complete(&state)
    }
    done?()
  }

  /// Called once every element has been dispatched; `completion` runs after the batch is written.
  func sealed(_ completion: @escaping @Sendable () -> Void) {
    let done: (@Sendable () -> Void)? = state.withLock { state in
      state.sealed = true
      state.onSealedCompletion = completion
      return complete(&state)
    }
    done?()
  }

  /// Writes the batch (in request order) when all elements answered; returns what to run after it: the elements'
  /// ``RequestContext/afterAnswer(_:)`` actions, then the completion.
  private func complete(_ state: inout State) -> (@Sendable () -> Void)? {
    guard state.sealed, state.pending == 0, let completion = state.onSealedCompletion else { return nil }
    state.onSealedCompletion = nil
    write(state.slots.compactMap { $0 })
    let afterWritten = state.afterWritten
    state.afterWritten = []
    return {
      afterWritten.forEach { $0() }
      completion()
    }
  }
}
