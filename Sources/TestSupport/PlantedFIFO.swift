import Basics
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A named pipe planted where brickauth expects a regular file (the config, the token cache, a lock).
///
/// Opening a FIFO for reading blocks until a writer opens it, and a thread blocked there is a thread of the shared
/// pool lost for good. ``bounded(seconds:_:)`` keeps a test of that from hanging when the code regresses: past the
/// deadline a writer opens the FIFO from a dispatch thread (not the pool, which may be all blocked), the blocked
/// reader sees end of file, and the test fails instead of never finishing. Only a writer that actually got in (so
/// some reader was holding the FIFO open) fails the test: a machine that is merely slow does not.
package struct PlantedFIFO: Sendable {
  package let path: String

  /// Creates the FIFO at `path` (mode 0600).
  package init(at path: String) throws {
    guard mkfifo(path, 0o600) == 0 else { throw TestTimeout(what: "mkfifo \(path) (errno \(errno))") }
    self.path = path
  }

  /// Runs `body`, which must not wait on the FIFO: from `seconds` on, a writer opens it every 100 ms until `body`
  /// has finished.
  /// - Throws: ``TestTimeout`` when a writer got in (a reader was blocked on the FIFO until then), whatever `body`
  ///   returned or threw; else what `body` threw.
  package func bounded<T>(seconds: Double = 3, _ body: () async throws -> T) async throws -> T {
    let state = Locked((finished: false, released: false))
    let path = path
    // The writer opens under the lock (a non-blocking open), so a reader it wakes cannot look at `released`
    // before it is set.
    @Sendable func release() {
      let done = state.withLock { state in
        guard !state.finished else { return true }
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
          state.released = true
          close(fd)
        }
        return false
      }
      if !done { DispatchQueue.global().asyncAfter(deadline: .now() + 0.1, execute: release) }
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: release)
    let result: Result<T, any Error>
    do {
      result = .success(try await body())
    } catch {
      result = .failure(error)
    }
    let released = state.withLock {
      $0.finished = true
      return $0.released
    }
    if released { throw TestTimeout(what: "an answer without a writer at the FIFO \(path) (it took one)") }
    return try result.get()
  }
}
