import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// The whole engine in-process on streams of valid, damaged and random messages in both framings: it never
/// crashes, answers every intact request exactly once whatever surrounds it, writes one JSON value per message,
/// and still exits cleanly at the end of input.
@Suite(.timeLimit(.minutes(10))) struct EngineFuzzTests {
  private static let methods = ["ping", "test/echo", "test/sleep", "nope"]

  @Test func everyIntactRequestIsAnsweredExactlyOnce() async throws {
    for seed in FuzzBudget.seeds(default: 60) {
      let server = InProcessServer()
      var messages = RandomMessages(seed: seed, methods: Self.methods)
      var mutator = ByteMutator(seed: seed)
      let framing: Framing = seed % 3 == 0 ? .contentLength : .newline
      var stream: [UInt8] = []
      var intact: [JSONValue] = []
      for index in 0..<Int.random(in: 1...12, using: &mutator.generator) {
        if index % 3 == 0 {
          let id = JSONValue.string("intact-\(index)")
          intact.append(id)
          framing.frame(JSONWriter.bytes(messages.request(id: id)), into: &stream)
        } else {
          var body = JSONWriter.bytes(messages.message())
          // Newline framing: a damaged body keeps its own newline, or it would take the next line with it.
          if framing == .newline && Bool.random(using: &mutator.generator) { body = mutator.mutate(body) }
          var frame: [UInt8] = []
          framing.frame(body, into: &frame)
          if framing == .contentLength && Bool.random(using: &mutator.generator) { frame = mutator.mutate(frame) }
          stream += frame
        }
      }

      var decoder = MessageStreamDecoder(maxMessageBytes: 1 << 20)
      for chunk in mutator.chunks(stream) { decoder.feed(chunk) { server.connection.receive($0) } }
      decoder.finish { server.connection.receive($0) }
      server.connection.inputClosed()
      let deadline = Date(timeIntervalSinceNow: 10)
      while server.connection.exitCode == nil {
        guard Date() < deadline else { throw TestTimeout(what: "the exit after seed \(seed)") }
        try await Task.sleep(nanoseconds: 1_000_000)
      }
      #expect(server.connection.exitCode == 0, "seed \(seed)")

      var answered: [JSONValue: Int] = [:]
      var oversized = false
      for message in server.writer.rawMessages {
        #expect(!message.contains(0x0A), "seed \(seed)")
        guard let value = try? JSONParser.parse(message) else {
          Issue.record("seed \(seed): not one JSON value: \(String(decoding: message, as: UTF8.self))")
          continue
        }
        for response in value.arrayValue ?? [value] where response["method"] == nil {
          answered[response["id"] ?? .null, default: 0] += 1
          if response["error"]?["data"]?["kind"] == "message_too_large" { oversized = true }
        }
      }
      // Damage that declares a length over the limit has the framer skip that many bytes unread, frames and all.
      for id in intact where !oversized || answered[id] != nil {
        #expect(answered[id] == 1, "seed \(seed): \(id) answered \(answered[id] ?? 0) times")
      }
    }
  }
}
