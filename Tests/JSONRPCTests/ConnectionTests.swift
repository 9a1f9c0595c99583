import Basics
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// The engine in-process: messages in through `receive`, out through a collecting writer, no pipes.
@Suite(.timeLimit(.minutes(1))) struct ConnectionTests {
  private let writer = CollectingWriter()
  private let connection: Connection

  init() {
    let handlers = [
      MethodHandler(name: "echo") { params, _ in .object(["params": params ?? .null]) },
      // An application's own code: the engine carries any code, kind and retryability it is given.
      MethodHandler(name: "fail") { _, _ in throw RPCError(.init(rawValue: -31006), kind: "not_found", "no such thing")
      },
      MethodHandler(name: "crash") { _, _ in throw CocoaError(.fileNoSuchFile) },
      MethodHandler(name: "slow") { params, context in
        let steps = params?["steps"].flatMap { if case .int(let n) = $0 { Int(n) } else { nil } } ?? 50
        for step in 1...steps {
          try await Task.sleep(nanoseconds: 20_000_000)
          context.recordPartial(["done": .int(Int64(step))])
          context.reportProgress(Double(step), total: Double(steps), message: "step \(step)")
        }
        return ["steps": .int(Int64(steps))]
      },
      MethodHandler(name: "burst") { _, context in
        // Many updates in a tight loop: only the first and the completing one pass the rate limit.
        for step in 1...100 { context.reportProgress(Double(step), total: 100, message: "s") }
        return [:]
      },
      // A watch whose first event comes before the answer that names it: the event must wait for the answer.
      MethodHandler(name: "watch") { _, context in
        let events = HeldNotifications(until: context)
        events.notify(method: "x/event", params: ["n": 1])
        events.notify(method: "x/event", params: ["n": 2])
        Task {
          try await Task.sleep(nanoseconds: 50_000_000)
          events.notify(method: "x/event", params: ["n": 3])
        }
        return ["watchId": "w"]
      },
    ]
    connection = Connection(handlers: handlers, writer: writer)
  }

  /// The exit code once the session is over, polled: blocking in `waitForExit` would hold a thread of the
  /// cooperative pool that the handlers still running need.
  private func exitCode() async throws -> Int32 {
    let deadline = Date(timeIntervalSinceNow: CollectingWriter.defaultTimeoutSeconds)
    while Date() < deadline {
      if let code = connection.exitCode { return code }
      try await Task.sleep(nanoseconds: 2_000_000)
    }
    throw TestTimeout(what: "the connection to exit")
  }

  private func response(_ values: [JSONValue], id: JSONValue) -> JSONValue? {
    values.first { $0["id"] == id && $0["method"] == nil }
  }

  @Test(arguments: [#"0"#, #""7""#, #"1.5"#, #"null"#, #"9007199254740993"#, #"-3"#])
  func idsAreEchoedWithTheirType(id: String) async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":\#(id),"method":"echo"}"#)
    let messages = try await writer.waitForMessages(1)
    let text = String(decoding: try #require(writer.rawMessages.first), as: UTF8.self)
    #expect(text.hasPrefix(#"{"jsonrpc":"2.0","id":\#(id),"result":"#))
    #expect(messages[0]["result"] == ["params": .null])
  }

  @Test func notificationsAreNeverAnswered() async throws {
    connection.receive(#"{"jsonrpc":"2.0","method":"echo"}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"unknown"}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"fail","params":{}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":"after","method":"echo"}"#)
    let messages = try await writer.waitForMessages(1)
    try await Task.sleep(nanoseconds: 50_000_000)
    #expect(writer.values.count == 1)
    #expect(messages[0]["id"] == "after")
  }

  @Test func parseErrorsAndInvalidRequestsHaveNullIdsUnlessTheIdWasReadable() async throws {
    connection.receive(#"{"jsonrpc":"2.0","method":"foobar, "params":"bar", "baz]"#)
    connection.receive(#"{"jsonrpc":"2.0","id":9,"method":1}"#)
    connection.receive("[]")
    let messages = try await writer.waitForMessages(3)
    #expect(messages[0]["id"] == .null)
    #expect(messages[0]["error"]?["code"] == -32700)
    #expect(messages[1]["id"] == 9)
    #expect(messages[1]["error"]?["code"] == -32600)
    #expect(messages[2]["error"]?["code"] == -32600)
    #expect(messages[2]["id"] == .null)
  }

  /// JSON-RPC lets a client reuse an id once its response has arrived. The id must leave the in-flight table
  /// before the response is written, or a client that reuses it at once is told `duplicate_id` now and then. This
  /// client is as quick as one can be: it sends the same id again from inside `write`, so with the id removed too
  /// late every reuse is refused, not now and then; twenty rounds show it and stay quick on a busy test machine.
  @Test func anIdIsFreeAgainAsSoonAsItsResponseIsOut() async throws {
    let client = ReusingClient(rounds: 20)
    let connection = Connection(
      handlers: [MethodHandler(name: "echo") { _, _ in [:] }],
      writer: client
    )
    client.connection.withLock { $0 = connection }
    connection.receive(ReusingClient.request[...])
    let deadline = Date(timeIntervalSinceNow: CollectingWriter.defaultTimeoutSeconds)
    while client.answers.withLock({ $0.count }) < 20 && Date() < deadline {
      try await Task.sleep(nanoseconds: 1_000_000)
    }
    let answers = client.answers.withLock { $0 }
    #expect(answers.count == 20)
    #expect(answers.filter { $0["error"] != nil }.count == 0, "every reuse of id 1 was accepted")
  }

  @Test func errorsCarryKindAndRetryable() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"fail"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":2,"method":"nope"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":3,"method":"crash"}"#)
    let messages = try await writer.waitForMessages(3)
    #expect(
      response(messages, id: 1)?["error"] == [
        "code": -31006, "message": "no such thing", "data": ["kind": "not_found", "retryable": false],
      ]
    )
    #expect(response(messages, id: 2)?["error"]?["data"]?["kind"] == "method_not_found")
    // Unknown errors become a bounded internal error: nothing of the error's own text leaks.
    #expect(
      response(messages, id: 3)?["error"] == [
        "code": -32603, "message": "Internal error", "data": ["kind": "internal", "retryable": false],
      ]
    )
  }

  @Test func heldNotificationsFollowTheAnswerInOrderAndLaterOnesGoAtOnce() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"watch"}"#)
    let messages = try await writer.waitForMessages(4)
    #expect(messages[0]["id"] == 1 && messages[0]["result"] == ["watchId": "w"], "the answer comes first")
    #expect(messages[1...].map { $0["params"]?["n"] } == [1, 2, 3])
  }

  /// A request sent as a notification has no answer to wait for: what it starts is sent, not held for ever.
  @Test func heldNotificationsOfANotificationAreSent() async throws {
    connection.receive(#"{"jsonrpc":"2.0","method":"watch"}"#)
    let messages = try await writer.waitForMessages(3)
    #expect(messages.map { $0["params"]?["n"] } == [1, 2, 3])
  }

  @Test func heldNotificationsFollowTheBatchThatAnswersTheirRequest() async throws {
    connection.receive(
      #"[{"jsonrpc":"2.0","id":1,"method":"watch"},{"jsonrpc":"2.0","id":2,"method":"slow","params":{"steps":3}}]"#
    )
    let messages = try await writer.waitForMessages(4)
    #expect(messages[0].arrayValue?.map { $0["id"] } == [1, 2], "the batch's array comes first")
    #expect(messages[1...].map { $0["params"]?["n"] } == [1, 2, 3])
  }

  @Test func batchesAnswerInOneArrayInRequestOrder() async throws {
    connection.receive(
      #"[{"jsonrpc":"2.0","id":"1","method":"slow","params":{"steps":2}},{"jsonrpc":"2.0","method":"echo"},"#
        + #"{"foo":"boo"},{"jsonrpc":"2.0","id":"5","method":"foo.get"},{"jsonrpc":"2.0","id":"9","method":"echo"}]"#
    )
    let messages = try await writer.waitForMessages(1)
    let batch = try #require(messages[0].arrayValue)
    #expect(batch.map { $0["id"] } == ["1", .null, "5", "9"])
    #expect(batch[1]["error"]?["code"] == -32600)
    #expect(batch[2]["error"]?["code"] == -32601)
  }

  @Test func allNotificationBatchesAndBatchesOfInvalidElements() async throws {
    connection.receive(#"[{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","method":"echo"}]"#)
    connection.receive("[1,2,3]")
    let messages = try await writer.waitForMessages(1)
    try await Task.sleep(nanoseconds: 50_000_000)
    #expect(writer.values.count == 1)
    let batch = try #require(messages[0].arrayValue)
    #expect(batch.count == 3)
    #expect(batch.allSatisfy { $0["error"]?["code"] == -32600 && $0["id"] == .null })
  }

  @Test func requestsAreAnsweredAsTheyCompleteNotInOrder() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":"slow","method":"slow","params":{"steps":3}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":"fast","method":"echo"}"#)
    let messages = try await writer.waitForMessages(2)
    #expect(messages.map { $0["id"] } == ["fast", "slow"])
  }

  @Test func progressIsOptInAndAlwaysPrecedesTheResponse() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"steps":3,"_meta":{"progressToken":"t"}}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":2,"method":"slow","params":{"steps":3}}"#)
    let messages = try await writer.waitUntil { $0.filter { $0["id"] != nil }.count == 2 }
    let progress = messages.filter { $0["method"] == "notifications/progress" }
    #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "t" })
    // Strictly increasing, starting at the first step and ending with the completing one (the rate limit may
    // drop steps in between).
    let values = progress.compactMap { value -> Int64? in
      if case .int(let number)? = value["params"]?["progress"] { number } else { nil }
    }
    #expect(values.first == 1 && values.last == 3)
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
    #expect(progress.last?["params"]?["total"] == 3)
    let responseIndex = try #require(messages.firstIndex { $0["id"] == 1 })
    #expect(messages.lastIndex { $0["method"] == "notifications/progress" }.map { $0 < responseIndex } == true)
  }

  @Test func progressIsRateLimitedButTheCompletingUpdateAlwaysArrives() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"burst","params":{"_meta":{"progressToken":7}}}"#)
    let messages = try await writer.waitUntil { $0.contains { $0["id"] == 1 } }
    let progress = messages.compactMap { $0["params"]?["progress"] }
    #expect(progress == [1, 100])
  }

  @Test func cancelRequestAnswersMinus32800WithPartialWork() async throws {
    connection.receive(
      #"{"jsonrpc":"2.0","id":"long","method":"slow","params":{"steps":100,"_meta":{"progressToken":1}}}"#
    )
    // Cancel only once some work is recorded, so the partial result is certain to be non-empty.
    _ = try await writer.waitForMessages(1)
    connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"long"}}"#)
    let messages = try await writer.waitUntil { $0.contains { $0["id"] == "long" } }
    let error = try #require(messages.first { $0["id"] == "long" }?["error"])
    #expect(error["code"] == -32800)
    #expect(error["data"]?["kind"] == "cancelled")
    let done = try #require(error["data"]?["partial"]?["done"])
    #expect(done != .int(100))
  }

  @Test func notificationsCancelledSilencesTheRequest() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":3,"method":"slow","params":{"steps":100,"_meta":{"progressToken":1}}}"#)
    try await Task.sleep(nanoseconds: 70_000_000)
    connection.receive(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,"reason":"t"}}"#)
    let countAtCancel = writer.values.count
    try await Task.sleep(nanoseconds: 200_000_000)
    #expect(writer.values.count == countAtCancel)
    #expect(!writer.values.contains { $0["id"] == 3 })
    connection.inputClosed()
    #expect(connection.waitForExit() == 0)
  }

  @Test func cancellingUnknownOrFinishedIdsIsIgnored() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"echo"}"#)
    _ = try await writer.waitForMessages(1)
    connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"never"}}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":true}}"#)
    try await Task.sleep(nanoseconds: 50_000_000)
    #expect(writer.values.count == 1)
  }

  @Test func aDuplicateInFlightIdIsRejected() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":"d","method":"slow","params":{"steps":3}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":"d","method":"echo"}"#)
    let messages = try await writer.waitForMessages(2)
    #expect(messages[0]["error"]?["data"]?["kind"] == "duplicate_id")
    #expect(messages[1]["result"]?["steps"] == 3)
  }

  @Test func eofWaitsForInFlightWorkThenExitsZero() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"steps":3}}"#)
    connection.inputClosed()
    #expect(connection.exitCode == nil)
    let messages = try await writer.waitForMessages(1)
    #expect(messages[0]["result"]?["steps"] == 3)
    #expect(connection.waitForExit() == 0)
  }

  @Test func eofWhenIdleExitsAtOnce() {
    connection.inputClosed()
    #expect(connection.exitCode == 0)
  }

  @Test func shutdownDrainsThenRejectsLaterRequests() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":"work","method":"slow","params":{"steps":3}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":"bye","method":"shutdown"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":"late","method":"echo"}"#)
    let messages = try await writer.waitForMessages(3)
    #expect(messages.map { $0["id"] } == ["late", "work", "bye"])
    #expect(messages[0]["error"]?["data"]?["kind"] == "shutting_down")
    #expect(messages[2]["result"] == [:])
    connection.receive(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(connection.waitForExit() == 0)
  }

  @Test func exitWithoutShutdownExitsOne() {
    connection.receive(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(connection.waitForExit() == 1)
  }

  @Test func exitRightBehindShutdownWaitsForTheDrainSoNoAnswerIsLost() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":"work","method":"slow","params":{"steps":3}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":"bye","method":"shutdown"}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(try await exitCode() == 0)
    #expect(writer.values.map { $0["id"] } == ["work", "bye"])
    #expect(writer.values[0]["result"]?["steps"] == 3)
  }

  @Test func exitWithoutShutdownAnswersInFlightWorkShuttingDown() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"steps":100}}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(try await exitCode() == 1)
    let error = try #require(writer.values.first?["error"])
    #expect(error["code"] == -32800)
    #expect(error["data"]?["kind"] == "shutting_down")
  }

  @Test func afterShutdownEveryRequestIsRefusedTheSameWay() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":2,"method":"noSuchMethod"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":4,"method":"echo"}"#)
    let messages = try await writer.waitForMessages(4)
    #expect(messages[0]["result"] == [:])
    for message in messages.dropFirst() {
      #expect(
        message["error"] == [
          "code": -32600, "message": "Invalid Request: the service is shutting down",
          "data": ["kind": "shutting_down", "retryable": true],
        ]
      )
    }
  }

  @Test func aCancelBeforeAnyWorkStillCarriesPartialAsNull() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"steps":100}}"#)
    connection.receive(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#)
    let messages = try await writer.waitForMessages(1)
    #expect(messages[0]["error"]?["data"] == ["kind": "cancelled", "retryable": false, "partial": .null])
  }

  @Test func terminateAnswersInFlightWorkShuttingDown() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"steps":100}}"#)
    connection.receive(#"{"jsonrpc":"2.0","id":2,"method":"slow","params":{"steps":100}}"#)
    try await Task.sleep(nanoseconds: 50_000_000)
    // As in the service, from a thread of its own: terminate blocks while handlers unwind, and they need the pool.
    let connection = self.connection
    Thread { connection.terminate(signal: 15) }.start()
    #expect(try await exitCode() == 143)
    let messages = try await writer.waitForMessages(2)
    #expect(messages.count == 2)
    #expect(messages.allSatisfy { $0["error"]?["data"]?["kind"] == "shutting_down" && $0["error"]?["code"] == -32800 })
  }

  @Test func brokenOutputCancelsEverythingSilently() async throws {
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"steps":100}}"#)
    try await Task.sleep(nanoseconds: 30_000_000)
    connection.outputFailed()
    #expect(connection.waitForExit() == 0)
    try await Task.sleep(nanoseconds: 100_000_000)
    #expect(writer.values.isEmpty)
  }

  @Test func oversizedMessagesGetAnErrorAndTheSessionContinues() async throws {
    connection.receiveOversizedMessage()
    connection.receive(#"{"jsonrpc":"2.0","id":1,"method":"echo"}"#)
    let messages = try await writer.waitForMessages(2)
    #expect(messages[0]["error"]?["data"]?["kind"] == "message_too_large")
    #expect(messages[0]["id"] == .null)
    #expect(messages[1]["id"] == 1)
  }
}

/// A client that sends `{"id":1}` again the moment the answer to the last one is written, `rounds` times.
private final class ReusingClient: MessageWriter {
  static let request = Array(#"{"jsonrpc":"2.0","id":1,"method":"echo"}"#.utf8)
  let rounds: Int
  let connection = Locked<Connection?>(nil)
  let answers = Locked<[JSONValue]>([])

  init(rounds: Int) {
    self.rounds = rounds
  }

  func write(_ message: [UInt8]) {
    let count = answers.withLock { answers in
      answers.append((try? JSONParser.parse(message[...])) ?? .null)
      return answers.count
    }
    if count < rounds { connection.withLock { $0 }?.receive(Self.request[...]) }
  }
}
