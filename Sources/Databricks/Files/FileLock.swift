import Basics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a sibling lock file, held across a read-modify-write of a shared file.
///
/// Two brickauth processes, or two requests in one process, editing `~/.databrickscfg` or the token cache at once
/// must not lose each other's changes. `flock` locks belong to the open file description, so they exclude other
/// processes and other opens in this process alike, and the kernel drops them if the process dies.
/// Waiting polls with `Task.sleep` instead of blocking in `flock`, so a held lock never parks a thread of the
/// cooperative pool, and the wait is bounded.
package struct FileLock {
  private let fd: Int32

  private init(fd: Int32) { self.fd = fd }

  /// Runs `body` while holding the lock on `lockPath` (created with 0600 if missing).
  ///
  /// The lock file sits next to the file it guards, where others may be able to write, so it is opened without
  /// following a link (`O_CREAT` through a planted link would create or open the file it names) and must be a
  /// regular file: a link, a FIFO or a directory there is ``FileLockError/unavailable(_:)``.
  ///
  /// `body` runs in the caller's isolation (`isolation`), so an actor can pass a closure that uses its own state.
  /// - Throws: ``FileLockError/timedOut`` when another holder keeps the lock past `timeoutSeconds`.
  @discardableResult
  package static func withLock<T>(
    _ lockPath: String,
    timeoutSeconds: Double = 10,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
  ) async throws -> T {
    let lock = try await acquire(lockPath, timeoutSeconds: timeoutSeconds)
    do {
      let result = try await body()
      lock.release()
      return result
    } catch {
      lock.release()
      throw error
    }
  }

  static func acquire(_ lockPath: String, timeoutSeconds: Double) async throws -> FileLock {
    let fd: Int32
    do throws(FileError) {
      let opened = try RegularFile.open(
        lockPath,
        flags: O_RDWR | O_CREAT | O_NOFOLLOW,
        action: "cannot open the lock file"
      )
      guard let opened else { throw .errno(lockPath, "cannot open the lock file") }
      fd = opened.fd
    } catch {
      throw FileLockError.unavailable(error)
    }
    let deadline = ContinuousClock.now + .milliseconds(Int64(saturating: timeoutSeconds * 1000))
    var pause = Duration.milliseconds(1)
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let reason = ErrnoAccess.value
      guard reason == EWOULDBLOCK || reason == EINTR else {
        close(fd)
        throw FileLockError.unavailable(FileError.errno(lockPath, "cannot lock"))
      }
      guard ContinuousClock.now < deadline else {
        close(fd)
        throw FileLockError.timedOut(path: lockPath)
      }
      do {
        try await Task.sleep(for: pause)
      } catch {
        close(fd)
        throw error
      }
      pause = min(pause * 2, .milliseconds(20))
    }
    return FileLock(fd: fd)
  }

  func release() {
    flock(fd, LOCK_UN)
    close(fd)
  }
}

/// Why a ``FileLock`` could not be taken.
package enum FileLockError: Error, Equatable, Sendable {
  /// Another process (or request) held the lock for the whole wait.
  case timedOut(path: String)
  /// The lock file could not be opened or locked at all.
  case unavailable(FileError)
}
