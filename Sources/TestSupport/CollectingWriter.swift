import Basics
import Foundation
package import JSON
import JSONRPC

/// A ``MessageWriter`` that keeps every message in memory, parsed, for in-process tests of the engine.
///
/// Messages are collected under a lock (not an `AsyncStream`) so a test that stops waiting never ends the
/// stream for the next assertion.
package final class CollectingWriter: MessageWriter {
  private let messages = Locked<[[UInt8]]>([])

  package init() {}

  package func write(_ message: [UInt8]) {
    messages.withLock { $0.append(message) }
  }

  /// The raw bytes of every message written so far, in order.
  package var rawMessages: [[UInt8]] { messages.withLock { $0 } }

  /// Every message written so far, parsed.
  package var values: [JSONValue] {
    rawMessages.map { (try? JSONParser.parse($0)) ?? .string("<unparseable: \(String(decoding: $0, as: UTF8.self))>") }
  }

  /// Waits until at least `count` messages have been written.
  package func waitForMessages(_ count: Int, timeoutSeconds: Double = defaultTimeoutSeconds) async throws -> [JSONValue]
  {
    try await waitUntil(timeoutSeconds: timeoutSeconds) { $0.count >= count }
  }

  /// How long a wait lasts before the test fails: only a bound against hanging forever, never a measure (a wait
  /// ends as soon as its condition holds), so it is generous enough for a machine under heavy load.
  package static let defaultTimeoutSeconds = 45.0

  /// Waits (polling) until `predicate` holds for the messages written so far.
  package func waitUntil(
    timeoutSeconds: Double = defaultTimeoutSeconds,
    _ predicate: ([JSONValue]) -> Bool
  ) async throws -> [JSONValue] {
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    while true {
      let current = values
      if predicate(current) { return current }
      guard Date() < deadline else { throw TestTimeout(what: "condition on \(current.count) messages") }
      try await Task.sleep(nanoseconds: 2_000_000)
    }
  }
}

/// A test waited longer than its bound for something that never happened.
package struct TestTimeout: Error, CustomStringConvertible {
  package var what: String

  package init(what: String) {
    self.what = what
  }

  package var description: String { "timed out waiting for \(what)" }
}
