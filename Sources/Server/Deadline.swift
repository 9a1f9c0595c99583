import Basics

/// Runs `body`, but gives up after `seconds`: the body's task is cancelled (which cancels its HTTP requests) and
/// ``DeadlineExceeded`` is thrown.
func withDeadline<T: Sendable>(
  seconds: Double,
  what: String,
  _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(nanoseconds: UInt64(nanosecondsIn: seconds))
      throw DeadlineExceeded(what: what, seconds: seconds)
    }
    defer { group.cancelAll() }
    guard let first = try await group.next() else { throw CancellationError() }
    return first
  }
}

/// An operation that did not finish within its deadline (the wire's `timeout`).
struct DeadlineExceeded: Error, Equatable {
  var what: String
  var seconds: Double
}
