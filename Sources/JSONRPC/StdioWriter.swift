import Basics
import Foundation

/// The single writer of protocol output: a dedicated thread draining a FIFO of whole messages to one fd.
///
/// Messages are queued synchronously by ``write(_:)`` and written by one thread, so a frame is never split or
/// interleaved with another, and no `await` can ever happen in the middle of one. Frames queued together are
/// coalesced into one `write(2)`, which is what keeps pipelined throughput high. The fd stays blocking: a
/// client that stops reading stalls this thread only, never the reader or the cancellation path.
package final class StdioWriter: MessageWriter {
  private struct State {
    var queue: [[UInt8]] = []
    /// Bytes in `queue`: the output backlog the reader throttles on.
    var queuedBytes = 0
    var writing = false
    /// The errno that broke the output (EPIPE: the client is gone); nothing is written after it.
    var failure: Int32?
    var framing = Framing.newline
  }

  /// The most bytes coalesced into one `write(2)`.
  static let batchBytes = 256 * 1024

  private let fd: Int32
  private let state = Locked(State())
  private let onFailure: @Sendable (Int32) -> Void

  /// - Parameters:
  ///   - fd: the descriptor protocol output goes to (a `dup` of the original stdout).
  ///   - onFailure: called once, off the writer thread's lock, when a write fails (e.g. with `EPIPE`).
  package init(fd: Int32, onFailure: @escaping @Sendable (Int32) -> Void) {
    self.fd = fd
    self.onFailure = onFailure
  }

  package func start() {
    let thread = Thread { [self] in run() }
    thread.name = "brickauth.stdout"
    thread.start()
  }

  package func setFraming(_ framing: Framing) {
    state.withLock { $0.framing = framing }
  }

  package func write(_ message: [UInt8]) {
    state.withLockAndSignal { state in
      guard state.failure == nil else { return }
      state.queue.append(message)
      state.queuedBytes += message.count
    }
  }

  /// Blocks the calling thread while more than `limit` bytes wait to be written (or until output fails).
  ///
  /// The stdin reader calls this before taking each message, so a client that writes requests faster than it reads
  /// answers is slowed down by its own pipe instead of growing our memory. Only for dedicated threads.
  package func waitForBacklog(below limit: Int) {
    state.wait(until: { $0.queuedBytes < limit || $0.failure != nil }) { _ in }
  }

  /// Blocks until everything queued so far is written (or output has failed), at most `timeoutSeconds`.
  package func flush(timeoutSeconds: Double = 5) {
    state.wait(until: { ($0.queue.isEmpty && !$0.writing) || $0.failure != nil }, timeoutSeconds: timeoutSeconds) {
      _ in
    }
  }

  private func run() {
    while true {
      let (batch, framing) = state.wait(until: { !$0.queue.isEmpty }) { state in
        // Up to `batchBytes` per write: one syscall for many small frames, but never a second copy of a huge backlog.
        var count = 0
        var bytes = 0
        while count < state.queue.count, count == 0 || bytes + state.queue[count].count <= Self.batchBytes {
          bytes += state.queue[count].count
          count += 1
        }
        let batch = Array(state.queue[..<count])
        state.queue.removeFirst(count)
        state.queuedBytes -= bytes
        state.writing = true
        return (batch, state.framing)
      }
      var buffer: [UInt8] = []
      buffer.reserveCapacity(batch.reduce(0) { $0 + $1.count + 32 })
      for message in batch { framing.frame(message, into: &buffer) }
      let failure = FileDescriptorIO.writeAll(fd, buffer)
      state.withLockAndSignal { state in
        state.writing = false
        if let failure {
          state.failure = failure
          state.queue.removeAll()
          state.queuedBytes = 0
        }
      }
      if let failure {
        onFailure(failure)
        return
      }
    }
  }
}
