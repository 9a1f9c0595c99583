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

  struct DiscoveryFailed: Error, Equatable {}

  @Test func aQuickFlowFinishesWithinTheWait() async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { _ in Self.outcome }
    guard case .finished(let outcome) = try await logins.wait(flow, seconds: 30) else {
      Issue.record("expected a finished login")
      return
    }
    #expect(outcome == Self.outcome)
  }

  @Test(arguments: [1e300, 2e10, Double.infinity, -1e300])
  func anAbsurdTimeoutOrWaitIsSleptWithoutTrapping(seconds: Double) async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: seconds) { _ in Self.outcome }
    guard case .finished(let outcome) = try await logins.wait(flow, seconds: seconds) else {
      Issue.record("expected a finished login")
      return
    }
    #expect(outcome == Self.outcome)
  }

  @Test func aSlowFlowIsPendingThenFoundAgainByIdOrProfile() async throws {
    let logins = LoginCoordinator()
    let gate = Gate()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { publish in
      await publish(LoginAuthorization(url: "https://h/authorize?x") { _ in })
      await gate.wait()
      return Self.outcome
    }
    #expect(await logins.authorizationURL(of: flow.id) == "https://h/authorize?x")
    guard case .pending(let url) = try await logins.wait(flow, seconds: 0) else {
      Issue.record("expected pending")
      return
    }
    #expect(url == "https://h/authorize?x")
    let again = await logins.flow(for: "dev", timeoutSeconds: 10) { _ in
      Issue.record("a second flow must not start while the first runs")
      return Self.outcome
    }
    #expect(again.id == flow.id)
    #expect(await logins.flow(id: flow.id)?.profile == "dev")
    gate.release()
    guard case .finished = try await logins.wait(again, seconds: 30) else {
      Issue.record("expected a finished login")
      return
    }
    #expect(await logins.authorizationURL(of: flow.id) == nil, "a finished flow waits for no browser")
  }

  @Test func aPendingAnswerWaitsForTheURLEvenWithNoWaitTime() async throws {
    let logins = LoginCoordinator()
    let discovered = Gate()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { publish in
      await discovered.wait()
      await publish(LoginAuthorization(url: "https://h/authorize?late") { _ in })
      try await Task.sleep(nanoseconds: 20_000_000_000)
      return Self.outcome
    }
    let waiter = Task { try await logins.wait(flow, seconds: 0) }
    discovered.release()
    guard case .pending(let url) = try await waiter.value else {
      Issue.record("expected pending")
      return
    }
    #expect(url == "https://h/authorize?late")
  }

  @Test func aFlowThatFailsBeforeItsURLAnswersWithItsError() async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { _ in throw DiscoveryFailed() }
    await #expect(throws: DiscoveryFailed()) { try await logins.wait(flow, seconds: 0) }
  }

  @Test func aFinishedFlowKeepsItsOutcomeForItsIdButNotForItsProfile() async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 10) { publish in
      await publish(LoginAuthorization(url: "https://h/authorize?x") { _ in })
      return Self.outcome
    }
    // The flow finishes at once; the wait is only long so that a pool busy with CPU-bound tests cannot make it pending.
    guard case .finished = try await logins.wait(flow, seconds: 30) else {
      Issue.record("expected a finished login")
      return
    }
    let found = try #require(await logins.flow(id: flow.id), "the agent comes back with the loginId")
    guard case .finished(let outcome) = try await logins.wait(found, seconds: 0) else {
      Issue.record("expected the same outcome again")
      return
    }
    #expect(outcome == Self.outcome)
    let failing = await logins.flow(for: "dev", timeoutSeconds: 10) { _ in throw DiscoveryFailed() }
    #expect(failing.id != flow.id, "logging in again after the flow ended starts a new one")
    await #expect(throws: DiscoveryFailed()) { try await logins.wait(failing, seconds: 30) }
    let failed = try #require(await logins.flow(id: failing.id))
    await #expect(throws: DiscoveryFailed()) { try await logins.wait(failed, seconds: 0) }
  }

  @Test func finishedFlowsAreForgottenAfterTheRetentionOrBeyondTheCount() async throws {
    let forgetful = LoginCoordinator(finishedFlowRetention: 0)
    let flow = await forgetful.flow(for: "dev", timeoutSeconds: 10) { _ in Self.outcome }
    _ = try await forgetful.wait(flow, seconds: 30)
    #expect(await forgetful.flow(id: flow.id) == nil)

    let small = LoginCoordinator(maxFinishedFlows: 1)
    let first = await small.flow(for: "a", timeoutSeconds: 10) { _ in Self.outcome }
    _ = try await small.wait(first, seconds: 30)
    let second = await small.flow(for: "b", timeoutSeconds: 10) { _ in Self.outcome }
    _ = try await small.wait(second, seconds: 30)
    #expect(await small.flow(id: first.id) == nil, "the oldest finished flow goes first")
    #expect(await small.flow(id: second.id)?.profile == "b")
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
    waiter.cancel()
    for await _ in cancelled.stream { break }
    await #expect(throws: CancellationError.self) { try await waiter.value }
    // Anyone else asking about that flow learns the login was cancelled, not that they were.
    let found = try #require(await logins.flow(id: flow.id))
    await #expect(throws: LoginCancelled()) { try await logins.wait(found, seconds: 0) }
  }

  @Test func aFlowPastItsDeadlineTimesOut() async throws {
    let logins = LoginCoordinator()
    let flow = await logins.flow(for: "dev", timeoutSeconds: 0.1) { _ in
      try await Task.sleep(nanoseconds: 20_000_000_000)
      return Self.outcome
    }
    await #expect(throws: LoginTimedOut(seconds: 0.1)) { try await logins.wait(flow, seconds: 10) }
  }

  /// Profiles are named byte for byte: a login of `café` written decomposed does not join the flow of `café` written
  /// precomposed, which would save its tokens under the other profile.
  @Test func canonicallyEquivalentProfileNamesAreDifferentFlows() async throws {
    let logins = LoginCoordinator()
    let gate = Gate()
    let composed = await logins.flow(for: "caf\u{E9}", timeoutSeconds: 10) { _ in
      await gate.wait()
      return Self.outcome
    }
    let decomposed = await logins.flow(for: "cafe\u{301}", timeoutSeconds: 10) { _ in Self.outcome }
    #expect(composed.id != decomposed.id)
    gate.release()
  }
}
