import Basics
package import Foundation

/// The OAuth logins of this process: one running flow per profile, found again by its `loginId` or its profile,
/// running until it completes, fails, is cancelled or reaches its deadline — independently of the requests waiting
/// on it.
///
/// A `login` request waits `waitSeconds` and then answers `pending` with the authorization URL; the flow keeps its
/// listener open, and a later `login` (same profile, or the `loginId`) waits on the same flow instead of starting a
/// second listener. Cancelling the request that waits cancels the flow, which closes its listener.
///
/// A finished flow is remembered for a while (``defaultFinishedFlowRetention``, and only the latest few), because the
/// usual agent sequence is `login` → `pending` → the user consents → `login {loginId}`: by the time the agent asks,
/// the flow has finished, and the agent must still learn how it ended. Only the `loginId` finds a finished flow: a
/// `login` of the same profile after that starts a new one, since asking to sign in again means a new sign-in.
///
/// A running flow can also be completed from the address its browser ended on (``acceptRedirect(_:for:)``), when
/// that browser runs on another machine and its redirect never reaches this one's listener.
///
/// ```swift
/// let flow = await logins.flow(for: "dev", timeoutSeconds: 600) { publish in try await runLogin(publish) }
/// try await logins.acceptRedirect("http://localhost:8020/?code=…&state=…", for: flow.id)  // a browser elsewhere
/// switch try await logins.wait(flow, seconds: 300) { case .finished(let outcome): ...; case .pending(let url): ... }
/// ```
package actor LoginCoordinator {
  /// How long a finished flow's outcome stays available to `login {loginId}`: as long as a flow may run by default,
  /// so a client polling with its `loginId` still finds it.
  package static let defaultFinishedFlowRetention: TimeInterval = 600
  /// At most this many finished flows are remembered; older ones are forgotten first.
  package static let defaultMaxFinishedFlows = 32

  /// A flow as a waiting request sees it.
  package struct Flow: Sendable {
    package var id: String
    package var profile: String
    package var expiresAt: Date
    /// The flow itself; it holds the outcome once finished.
    fileprivate var task: Task<LoginOutcome, any Error>
  }

  /// What a wait ended with.
  package enum WaitResult: Sendable {
    case finished(LoginOutcome)
    /// Still waiting for the browser: report the URL and come back with the id.
    case pending(authorizationURL: String)
  }

  private struct Entry {
    var flow: Flow
    var authorization: LoginAuthorization?
    /// When the flow ended; `nil` while it runs.
    var finishedAt: Date?
    /// Waiters for the URL and for the outcome. Streams, not continuations: iterating one ends when the waiting task
    /// is cancelled, so a wait can give up without the flow ending.
    var urlWaiters: [AsyncStream<String>.Continuation] = []
    var outcomeWaiters: [AsyncStream<Result<LoginOutcome, any Error>>.Continuation] = []
  }

  private var entries: [String: Entry] = [:]
  private let finishedFlowRetention: TimeInterval
  private let maxFinishedFlows: Int
  private let now: @Sendable () -> Date

  /// - Parameters:
  ///   - finishedFlowRetention: how long `flow(id:)` still finds a finished flow.
  ///   - maxFinishedFlows: how many finished flows are kept at most (the most recently finished).
  package init(
    finishedFlowRetention: TimeInterval = defaultFinishedFlowRetention,
    maxFinishedFlows: Int = defaultMaxFinishedFlows,
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.finishedFlowRetention = finishedFlowRetention
    self.maxFinishedFlows = maxFinishedFlows
    self.now = now
  }

  /// The running flow of `profile`, or a new one running `body` until `timeoutSeconds` pass.
  ///
  /// `body` gets a closure to publish the authorization URL (and how to accept a pasted redirect) as soon as it is
  /// known.
  package func flow(
    for profile: String,
    timeoutSeconds: Double,
    _ body:
      @escaping @Sendable (_ publish: @escaping @Sendable (LoginAuthorization) async -> Void) async throws
      -> LoginOutcome
  ) -> Flow {
    forgetOldFlows()
    if let running = entries.values.first(where: { $0.finishedAt == nil && ProfileName.same($0.flow.profile, profile) })
    {
      return running.flow
    }
    let id = UUID().uuidString.lowercased()
    let deadline = now().addingTimeInterval(timeoutSeconds)
    // The task keeps the coordinator alive while it runs; the coordinator lives as long as the service anyway.
    let task = Task<LoginOutcome, any Error> { [self] in
      let result: Result<LoginOutcome, any Error>
      do {
        result = .success(
          try await withDeadline(timeoutSeconds) {
            try await body { authorization in await self.publish(authorization, for: id) }
          }
        )
      } catch {
        // Whatever the cancelled body threw (the listener's, the network's), the flow ended because it was cancelled.
        result = .failure(Task.isCancelled ? LoginCancelled() : error)
      }
      finish(id, result)
      return try result.get()
    }
    let flow = Flow(id: id, profile: profile, expiresAt: deadline, task: task)
    entries[id] = Entry(flow: flow)
    return flow
  }

  /// Cancels every running flow, which closes its loopback listener: a service being torn down (a test's) leaves no
  /// login port held until the flows' own timeouts.
  package func cancelAll() {
    for entry in entries.values where entry.finishedAt == nil { entry.flow.task.cancel() }
  }

  /// The flow with this id: running, or finished and still remembered.
  package func flow(id: String) -> Flow? {
    forgetOldFlows()
    return entries[id]?.flow
  }

  /// The authorization URL of a running flow, waiting until the flow publishes it (right after OAuth discovery).
  ///
  /// `nil` when the flow ends first (discovery failed, say), had already ended, or the waiting task is cancelled.
  package func authorizationURL(of id: String) async -> String? {
    guard let entry = entries[id], entry.finishedAt == nil else { return nil }
    if let url = entry.authorization?.url { return url }
    let (stream, continuation) = AsyncStream<String>.makeStream()
    entries[id]?.urlWaiters.append(continuation)
    for await url in stream { return url }
    return nil
  }

  /// Waits up to `seconds` for the flow to finish. A cancelled wait cancels the flow (and so its listener).
  ///
  /// A pending answer always carries the URL: when `seconds` pass before the flow has published it, the wait goes on
  /// until it has, or until the flow ends.
  package nonisolated func wait(_ flow: Flow, seconds: Double) async throws -> WaitResult {
    let task = flow.task
    guard let outcomes = await subscribe(flow.id) else {
      // Already finished: its task holds the outcome.
      return .finished(try Self.waitersView(of: await task.result))
    }
    return try await withTaskCancellationHandler {
      try await withThrowingTaskGroup(of: WaitResult?.self) { group in
        group.addTask {
          for await outcome in outcomes { return .finished(try Self.waitersView(of: outcome)) }
          // This wait was cancelled (the stream ends then), or the flow was forgotten: its task has the answer.
          try Task.checkCancellation()
          return .finished(try Self.waitersView(of: await task.result))
        }
        group.addTask {
          try await Task.sleep(nanoseconds: UInt64(nanosecondsIn: seconds))
          guard let url = await self.authorizationURL(of: flow.id) else { return nil }
          return .pending(authorizationURL: url)
        }
        defer { group.cancelAll() }
        while let first = try await group.next() {
          if let first { return first }
        }
        throw CancellationError()
      }
    } onCancel: {
      task.cancel()
    }
  }

  /// The outcome as a waiter reports it: a waiter that was itself cancelled (and so cancelled the flow) is cancelled,
  /// not a failed login.
  private static func waitersView(of outcome: Result<LoginOutcome, any Error>) throws -> LoginOutcome {
    if case .failure(let error) = outcome, error is LoginCancelled { try Task.checkCancellation() }
    return try outcome.get()
  }

  /// Completes the running flow `id` from the address its browser ended on, pasted by the user: the flow's listener
  /// checks it and, when it is this flow's redirect, the flow goes on exactly as if the redirect had arrived (see
  /// ``LoopbackListener/acceptPastedRedirect(_:)``). A flow that has not published its URL yet is waited for.
  /// - Throws: ``RedirectPasteRefusal``; ``RedirectPasteRefusal/loginEnded`` when the flow has ended (or is unknown).
  package func acceptRedirect(_ address: String, for id: String) async throws(RedirectPasteRefusal) {
    if entries[id]?.authorization == nil { _ = await authorizationURL(of: id) }
    guard let entry = entries[id], entry.finishedAt == nil, let authorization = entry.authorization else {
      throw .loginEnded
    }
    try authorization.acceptRedirect(address)
  }

  private func publish(_ authorization: LoginAuthorization, for id: String) {
    guard var entry = entries[id], entry.finishedAt == nil else { return }
    entry.authorization = authorization
    for waiter in entry.urlWaiters {
      waiter.yield(authorization.url)
      waiter.finish()
    }
    entry.urlWaiters = []
    entries[id] = entry
  }

  /// A stream of the flow's outcome, or `nil` when the flow has already finished (or is unknown).
  private func subscribe(_ id: String) -> AsyncStream<Result<LoginOutcome, any Error>>? {
    guard let entry = entries[id], entry.finishedAt == nil else { return nil }
    let (stream, continuation) = AsyncStream<Result<LoginOutcome, any Error>>.makeStream()
    entries[id]?.outcomeWaiters.append(continuation)
    return stream
  }

  private func finish(_ id: String, _ result: Result<LoginOutcome, any Error>) {
    guard var entry = entries[id] else { return }
    for waiter in entry.urlWaiters { waiter.finish() }
    for waiter in entry.outcomeWaiters {
      waiter.yield(result)
      waiter.finish()
    }
    entry.urlWaiters = []
    entry.outcomeWaiters = []
    entry.authorization = nil
    entry.finishedAt = now()
    entries[id] = entry
    forgetOldFlows()
  }

  /// Drops finished flows older than the retention, and the oldest beyond the maximum count.
  private func forgetOldFlows() {
    let current = now()
    let finished = entries.compactMap { id, entry in entry.finishedAt.map { (id: id, at: $0) } }
      .sorted { $0.at > $1.at }
    for (index, flow) in finished.enumerated()
    where index >= maxFinishedFlows || current.timeIntervalSince(flow.at) >= finishedFlowRetention {
      entries[flow.id] = nil
    }
  }
}

/// A login flow that passed its deadline (`timeoutSeconds`).
package struct LoginTimedOut: Error, Equatable {
  package var seconds: Double

  package init(seconds: Double) {
    self.seconds = seconds
  }
}

/// A login flow that ended because a request waiting on it was cancelled (which closed its listener).
///
/// The cancelled request itself is answered as cancelled; this is what the other requests on the same flow, and
/// later ones naming its `loginId`, are told: they were not cancelled, the login was.
package struct LoginCancelled: Error, Equatable {
  package init() {}
}

private func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws
  -> T
{
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(nanoseconds: UInt64(nanosecondsIn: seconds))
      throw LoginTimedOut(seconds: seconds)
    }
    defer { group.cancelAll() }
    guard let first = try await group.next() else { throw CancellationError() }
    return first
  }
}
