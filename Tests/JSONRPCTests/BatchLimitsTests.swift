import Basics
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// One batch line cannot make the service hold unbounded work: its requests take slots under the same limit as
/// lines, and a batch past the element limit is refused whole.
@Suite(.timeLimit(.minutes(1))) struct BatchLimitsTests {
  /// A method that records how many of its calls run at once, and holds each until released.
  private struct ConcurrencyProbe: Sendable {
    let counts = Locked((running: 0, peak: 0))
    let released = Locked(false)

    var handler: MethodHandler {
      MethodHandler(name: "hold") { [counts, released] _, _ in
        counts.withLock {
          $0.running += 1
          $0.peak = max($0.peak, $0.running)
        }
        defer { counts.withLock { $0.running -= 1 } }
        while !released.withLock({ $0 }) { try await Task.sleep(nanoseconds: 1_000_000) }
        return [:]
      }
    }

    func waitUntilRunning(_ count: Int) async throws {
      let deadline = Date(timeIntervalSinceNow: CollectingWriter.defaultTimeoutSeconds)
      while counts.withLock({ $0.running }) < count {
        guard Date() < deadline else { throw TestTimeout(what: "\(count) running calls") }
        try await Task.sleep(nanoseconds: 2_000_000)
      }
    }
  }

  private static func batch(_ count: Int, method: String, idOffset: Int = 0) -> String {
    "[" + (1...count).map { #"{"jsonrpc":"2.0","id":\#($0 + idOffset),"method":"\#(method)"}"# }.joined(separator: ",")
      + "]"
  }

  @Test func batchElementsShareTheConnectionsLimitWithLines() async throws {
    let probe = ConcurrencyProbe()
    let writer = CollectingWriter()
    let connection = Connection(handlers: [probe.handler], writer: writer, maxActive: 4)
    connection.receive(#"{"jsonrpc":"2.0","id":"line","method":"hold"}"#)
    let reader = Thread { connection.receive(Self.batch(40, method: "hold")) }
    reader.start()
    try await probe.waitUntilRunning(4)
    // Give any element over the limit the time to start, had the batch not waited for slots.
    try await Task.sleep(nanoseconds: 100_000_000)
    #expect(probe.counts.withLock { $0.peak } == 4)

    probe.released.withLock { $0 = true }
    let messages = try await writer.waitForMessages(2)
    #expect(messages.compactMap { $0.arrayValue }.first?.count == 40)
    #expect(messages.contains { $0["id"] == "line" && $0["result"] == [:] })
    #expect(probe.counts.withLock { $0.peak } == 4)
  }

  @Test func aBatchLargerThanTheLimitStillCompletesWithOneSlot() async throws {
    let probe = ConcurrencyProbe()
    probe.released.withLock { $0 = true }
    let writer = CollectingWriter()
    let connection = Connection(handlers: [probe.handler], writer: writer, maxActive: 1)
    let reader = Thread { connection.receive(Self.batch(3, method: "hold")) }
    reader.start()
    let messages = try await writer.waitForMessages(1)
    #expect(messages[0].arrayValue?.map { $0["result"] } == [[:], [:], [:]])
    #expect(probe.counts.withLock { $0.peak } == 1)
  }

  @Test func aBatchOfAThousandElementsIsServed() async throws {
    let writer = CollectingWriter()
    let connection = Connection(handlers: [MethodHandler(name: "ping") { _, _ in [:] }], writer: writer)
    // More elements than request slots: `receive` blocks until earlier ones finish, as the stdio reader thread does,
    // so it runs on a thread of its own and leaves the cooperative pool to the elements.
    await DedicatedThread.run { connection.receive(Self.batch(1000, method: "ping")) }
    let messages = try await writer.waitForMessages(1)
    #expect(messages[0].arrayValue?.count == 1000)
  }

  @Test func aBatchOverTheElementLimitIsRefusedWhole() async throws {
    let calls = Locked(0)
    let writer = CollectingWriter()
    let ping = MethodHandler(name: "ping") { _, _ in
      calls.withLock { $0 += 1 }
      return [:]
    }
    let connection = Connection(handlers: [ping], writer: writer)
    connection.receive(Self.batch(1001, method: "ping"))
    connection.receive(#"{"jsonrpc":"2.0","id":"after","method":"ping"}"#)
    let messages = try await writer.waitForMessages(2)
    let refusal = try #require(messages.first { $0["id"] == .null })
    #expect(refusal["error"]?["code"] == -32600)
    #expect(refusal["error"]?["data"]?["kind"] == "batch_too_large")
    #expect(refusal["error"]?["message"]?.stringValue?.contains("1000") == true)
    #expect(messages.contains { $0["id"] == "after" && $0["result"] == [:] })
    #expect(calls.withLock { $0 } == 1)
  }
}
