/// Hands the listener's one outcome from its thread to however many tasks await it.
///
/// The first delivery wins and is kept: a waiter that arrives after the flow ended gets the same outcome at once.
actor CallbackMailbox {
  private var outcome: Result<CallbackResult, LoopbackListenerError>?
  private var waiters: [CheckedContinuation<Result<CallbackResult, LoopbackListenerError>, Never>] = []

  func deliver(_ outcome: Result<CallbackResult, LoopbackListenerError>) {
    guard self.outcome == nil else { return }
    self.outcome = outcome
    let waiting = waiters
    waiters = []
    waiting.forEach { $0.resume(returning: outcome) }
  }

  func wait() async -> Result<CallbackResult, LoopbackListenerError> {
    if let outcome { return outcome }
    return await withCheckedContinuation { waiters.append($0) }
  }
}
