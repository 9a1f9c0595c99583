import Databricks
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1))) struct LoginCoordinatorTests {
  static let outcome = LoginOutcome(
    profile: "dev",
    host: "https://h",
    level: .workspace,
    authType: "databricks-cli",
    userName: "u",
    expiresAt: nil
  )

  /// A flow body that publishes a URL, then waits until `release` is set.
  final class Gate: Sendable {
    let open = AsyncStream<Void>.makeStream()
    func release() { open.continuation.yield() }
    func wait() async { for await _ in open.stream { return } }
  }

  @Test func aQuickFlowFinishesWithinTheWait() async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { _ in Self.outcome }
    guard case .finished(let outcome) = try await logins.wait(flow, seconds: 5) else {
      Issue.record("expected a finished login")
      return
    }
    #expect(outcome == Self.outcome)
  }

  @Test func aSlowFlowIsPendingThenFoundAgainByIdOrProfile() async throws {
    let logins = LoginCoordinator()
    let gate = Gate()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { publish in
      await publish("https://h/authorize?x")
      await gate.wait()
      return Self.outcome
    }
    #expect(await logins.authorizationURL(of: flow.id, waitingUpTo: 5) == "https://h/authorize?x")
    guard case .pending(let url) = try await logins.wait(flow, seconds: 0.05) else {
      Issue.record("expected pending")
      return
    }
    #expect(url == "https://h/authorize?x")
    let again = await logins.flow(for: "dev", timeoutSeconds: 10) { _ in
      Issue.record("a second flow must not start")
      return Self.outcome
    }
    #expect(again.id == flow.id)
    #expect(await logins.flow(id: flow.id)?.profile == "dev")
    gate.release()
    guard case .finished = try await logins.wait(again, seconds: 5) else {
      Issue.record("expected a finished login")
      return
    }
    try await Task.sleep(nanoseconds: 50_000_000)
    #expect(await logins.flow(id: flow.id) == nil, "a finished flow is forgotten")
  }

  @Test func cancellingTheWaiterCancelsTheFlow() async throws {
    let logins = LoginCoordinator()
    let cancelled = AsyncStream<Void>.makeStream()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 30) { _ in
      do {
        try await Task.sleep(nanoseconds: 20_000_000_000)
      } catch {
        cancelled.continuation.yield()
        throw error
      }
      return Self.outcome
    }
    let waiter = Task { try await logins.wait(flow, seconds: 20) }
    try await Task.sleep(nanoseconds: 50_000_000)
    waiter.cancel()
    for await _ in cancelled.stream { break }
    await #expect(throws: CancellationError.self) { try await waiter.value }
  }

  @Test func aFlowPastItsDeadlineTimesOut() async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 0.1) { _ in
      try await Task.sleep(nanoseconds: 20_000_000_000)
      return Self.outcome
    }
    await #expect(throws: LoginTimedOut(seconds: 0.1)) { try await logins.wait(flow, seconds: 10) }
  }
}
