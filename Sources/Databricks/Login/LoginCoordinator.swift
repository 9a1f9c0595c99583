package import Foundation

/// The OAuth logins in progress: one flow per profile, found again by its `loginId` or its profile, running until
/// it completes, fails, is cancelled or reaches its deadline — independently of the requests waiting on it.
///
/// A `login` request waits `waitSeconds` and then answers `pending` with the authorization URL; the flow keeps its
/// listener open, and a later `login` (same profile, or the `loginId`) waits on the same flow instead of starting a
/// second listener. Cancelling the request that waits cancels the flow, which closes its listener.
///
/// ```swift
/// let flow = await logins.flow(for: "dev") { report in try await runLogin(report) }
/// switch try await logins.wait(flow.id, seconds: 300) { case .finished(let outcome): ...; case .pending: ... }
/// ```
package actor LoginCoordinator {
  /// A flow as a waiting request sees it.
  package struct Flow: Sendable {
    package var id: String
    package var profile: String
    package var expiresAt: Date
    fileprivate var task: Task<LoginOutcome, any Error>
  }

  /// What a wait ended with.
  package enum WaitResult: Sendable {
    case finished(LoginOutcome)
    /// Still waiting for the browser: report the URL (if known yet) and come back with the id.
    case pending(authorizationURL: String?)
  }

  private var flows: [String: Flow] = [:]
  private var authorizationURLs: [String: String] = [:]
  /// Waiters on each flow's outcome. A stream, not a continuation: iterating it ends when the waiting task is
  /// cancelled, so a wait can give up without the flow ending.
  private var outcomeWaiters: [String: [AsyncStream<Result<LoginOutcome, any Error>>.Continuation]] = [:]
  private var urlWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]

  package init() {}

  /// The running flow of `profile`, or a new one running `body` until `timeoutSeconds` pass.
  ///
  /// `body` gets a closure to publish the authorization URL as soon as it is known.
  package func flow(
    for profile: String,
    timeoutSeconds: Double,
    _ body: @escaping @Sendable (_ publishURL: @escaping @Sendable (String) async -> Void) async throws -> LoginOutcome
  ) -> Flow {
    if let running = flows.values.first(where: { $0.profile == profile }) { return running }
    let id = UUID().uuidString.lowercased()
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    // The task keeps the coordinator alive while it runs; the coordinator lives as long as the service anyway.
    let task = Task<LoginOutcome, any Error> { [self] in
      let result: Result<LoginOutcome, any Error>
      do {
        result = .success(
          try await withDeadline(timeoutSeconds) {
            try await body { url in await self.publish(url, for: id) }
          }
        )
      } catch {
        result = .failure(error)
      }
      finish(id, result)
      return try result.get()
    }
    let flow = Flow(id: id, profile: profile, expiresAt: deadline, task: task)
    flows[id] = flow
    return flow
  }

  /// The running flow with this id, if any.
  package func flow(id: String) -> Flow? {
    flows[id]
  }

  /// The authorization URL of a flow, waiting (at most `seconds`) until the flow has published it.
  package func authorizationURL(of id: String, waitingUpTo seconds: Double) async -> String? {
    if let url = authorizationURLs[id] { return url }
    guard flows[id] != nil else { return nil }
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.waitForURL(id) }
      group.addTask { try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000)) }
      await group.next()
      group.cancelAll()
      releaseURLWaiters(id)
    }
    return authorizationURLs[id]
  }

  /// Waits up to `seconds` for the flow to finish. A cancelled wait cancels the flow (and so its listener).
  package nonisolated func wait(_ flow: Flow, seconds: Double) async throws -> WaitResult {
    let task = flow.task
    let outcomes = await subscribe(flow.id)
    return try await withTaskCancellationHandler {
      try await withThrowingTaskGroup(of: WaitResult?.self) { group in
        group.addTask {
          for await outcome in outcomes { return .finished(try outcome.get()) }
          // The flow had already finished when we subscribed (or this wait was cancelled): its task has the answer.
          try Task.checkCancellation()
          return .finished(try await task.value)
        }
        group.addTask {
          try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
          return nil
        }
        defer { group.cancelAll() }
        let first = try await group.next() ?? nil
        if let first { return first }
        return .pending(authorizationURL: await self.authorizationURLs[flow.id])
      }
    } onCancel: {
      task.cancel()
    }
  }

  private func publish(_ url: String, for id: String) {
    authorizationURLs[id] = url
    releaseURLWaiters(id)
  }

  private func waitForURL(_ id: String) async {
    if authorizationURLs[id] != nil || flows[id] == nil { return }
    await withCheckedContinuation { urlWaiters[id, default: []].append($0) }
  }

  private func releaseURLWaiters(_ id: String) {
    for waiter in urlWaiters.removeValue(forKey: id) ?? [] { waiter.resume() }
  }

  private func subscribe(_ id: String) -> AsyncStream<Result<LoginOutcome, any Error>> {
    let (stream, continuation) = AsyncStream<Result<LoginOutcome, any Error>>.makeStream()
    if flows[id] != nil {
      outcomeWaiters[id, default: []].append(continuation)
    } else {
      continuation.finish()
    }
    return stream
  }

  private func finish(_ id: String, _ result: Result<LoginOutcome, any Error>) {
    flows[id] = nil
    authorizationURLs[id] = nil
    releaseURLWaiters(id)
    for waiter in outcomeWaiters.removeValue(forKey: id) ?? [] {
      waiter.yield(result)
      waiter.finish()
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

private func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws
  -> T
{
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
      throw LoginTimedOut(seconds: seconds)
    }
    defer { group.cancelAll() }
    guard let first = try await group.next() else { throw CancellationError() }
    return first
  }
}
