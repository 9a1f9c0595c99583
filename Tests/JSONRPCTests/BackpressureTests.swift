import Basics
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// Input backpressure: the reader blocks at the active-request limit, but notifications still pass.
@Suite(.timeLimit(.minutes(1))) struct BackpressureTests {
  @Test func receiveBlocksAtTheLimitWhileCancellationStillPasses() async throws {
    let released = Locked(false)
    let handler = MethodHandler(name: "wait") { _, _ in
      while !released.withLock({ $0 }) { try await Task.sleep(nanoseconds: 1_000_000) }
      return [:]
    }
    let writer = CollectingWriter()
    let connection = Connection(handlers: [handler], writer: writer, maxActive: 2)
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"wait"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":2,"method":"wait"}"#)
    let thirdAccepted = Locked(false)
    let reader = Thread {
      connection.receive(#"{"jsonrpc":"2.0","id":3,"method":"wait"}"#)
      thirdAccepted.withLock { $0 = true }
    }
    reader.start()
    try await Task.sleep(nanoseconds: 100_000_000)
    #expect(!thirdAccepted.withLock { $0 })

    // At the limit, a cancellation is still handled at once and frees a slot for the blocked request.
    connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#)
    let cancelled = try await writer.waitUntil { $0.contains { $0["id"] == 1 } }
    #expect(cancelled.first { $0["id"] == 1 }?["error"]?["code"] == -32800)
    let deadline = Date(timeIntervalSinceNow: CollectingWriter.defaultTimeoutSeconds)
    while !thirdAccepted.withLock({ $0 }) && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
    #expect(thirdAccepted.withLock { $0 })

    released.withLock { $0 = true }
    let all = try await writer.waitForMessages(3)
    #expect(Set(all.compactMap { $0["id"] }) == [1, 2, 3])
    #expect(all.first { $0["id"] == 3 }?["result"] == [:])
  }
}
