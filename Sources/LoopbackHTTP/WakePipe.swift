#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The pipe that tells a thread blocked in `poll(2)` (``LoopbackHTTPServer``'s accept thread, the credential files'
/// watcher) to stop, safe to signal from any thread any number of times.
///
/// Both ends stay open until the last owner (the server, whose threads hold it) lets go, so a late ``signal()``
/// always writes into this pipe: never into a closed descriptor whose number the kernel has given to something
/// else, and never into a pipe without a reader (`SIGPIPE`).
package final class WakePipe: Sendable {
  package let readEnd: Int32
  private let writeEnd: Int32

  package init() throws(LoopbackHTTPServerError) {
    switch LoopbackSocket.makeWakePipe() {
    case .success(let fds): (readEnd, writeEnd) = fds
    case .failure(let failure): throw .socketFailed(call: failure.call, reason: failure.reason)
    }
  }

  /// Makes the read end readable. When the pipe is already full the thread has been woken anyway.
  package func signal() {
    var byte: UInt8 = 1
    while write(writeEnd, &byte, 1) < 0 && errno == EINTR {}
  }

  deinit {
    close(readEnd)
    close(writeEnd)
  }
}
