import Foundation

/// Blocking work (a `recv` on a socket, a `waitpid`) run on a thread of its own, never on the cooperative pool.
///
/// The pool has one thread per core, two on a small CI machine. A test that blocks one of them waiting for a
/// server whose answer needs the pool can stall every other test in the run until its socket times out, so tests
/// hand every call that can block to this, and so does a test that computes for seconds (a debug build parsing a
/// file of twenty thousand profiles).
package enum DedicatedThread {
  package static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: body()) }.start()
    }
  }

  package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await run { Result { try body() } }.get()
  }
}
