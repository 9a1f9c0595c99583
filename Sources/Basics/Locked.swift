import Foundation

/// A value guarded by a condition lock: the one `@unchecked Sendable` type in the package.
///
/// Threads at the stdio edge (the reader, the writer, signal handlers) and the in-flight request
/// table share small pieces of synchronous state. Actors would force an `await` into places that
/// must never suspend (the middle of a frame, the cancel path on the reader thread), so this tiny
/// wrapper is the sanctioned exception. Every access goes through the lock.
///
/// ```swift
/// let counter = Locked(0)
/// counter.withLock { $0 += 1 }
/// ```
package final class Locked<Value>: @unchecked Sendable {
  private let condition = NSCondition()
  /// - Important: Must only be accessed while holding `condition`.
  private var value: Value

  package init(_ value: Value) {
    self.value = value
  }

  /// Runs `body` with exclusive access to the value.
  @discardableResult
  package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    condition.lock()
    defer { condition.unlock() }
    return try body(&value)
  }

  /// Runs `body` with exclusive access to the value and wakes every thread blocked in ``wait(until:_:)``.
  @discardableResult
  package func withLockAndSignal<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    condition.lock()
    defer {
      condition.broadcast()
      condition.unlock()
    }
    return try body(&value)
  }

  /// Blocks the calling thread until `predicate` holds (or `timeoutSeconds` pass), then runs `body` under the lock.
  ///
  /// Only for dedicated threads (the stdio writer, the process's main thread): never call it from a task on the
  /// cooperative pool, which has as few threads as the machine has cores.
  @discardableResult
  package func wait<R>(
    until predicate: (Value) -> Bool,
    timeoutSeconds: Double? = nil,
    _ body: (inout Value) throws -> R
  ) rethrows -> R {
    condition.lock()
    defer { condition.unlock() }
    let deadline = timeoutSeconds.map { Date(timeIntervalSinceNow: $0) }
    while !predicate(value) {
      if let deadline {
        if !condition.wait(until: deadline) { break }
      } else {
        condition.wait()
      }
    }
    return try body(&value)
  }
}
