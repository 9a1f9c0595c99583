import Foundation
import JSON
import TestSupport
import Testing

/// The built executable over real pipes: lifecycle, stdout purity and framing as a client sees them.
@Suite(.timeLimit(.minutes(2))) struct StdioEndToEndTests {
  @Test func answersAPipedRequestAndExitsZeroAtEOF() async throws {
    let process = try BrickauthProcess.launch()
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.lines == [#"{"jsonrpc":"2.0","id":1,"result":{}}"#])
  }

  @Test func aFinalLineWithoutNewlineIsAnswered() async throws {
    let process = try BrickauthProcess.launch()
    process.send(#"{"jsonrpc":"2.0","id":"last","method":"ping"}"#, newline: false)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.messages.first?["id"] == "last")
  }

  @Test func crlfAndBlankLinesAreAccepted() async throws {
    let process = try BrickauthProcess.launch()
    process.send("\r\n\n   \n" + #"{"jsonrpc":"2.0","id":1,"method":"ping"}"# + "\r")
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.messages.map { $0["id"] } == [1])
  }

  @Test func inFlightWorkFinishesAfterEOF() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--test-methods"])
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"test/sleep","params":{"seconds":0.5,"steps":2}}"#)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.messages.first?["result"] == ["completedSteps": 2])
  }

  @Test func sigtermAnswersInFlightWorkShuttingDownAndExitsPromptly() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--test-methods"])
    process.send(#"{"jsonrpc":"2.0","id":"long","method":"test/sleep","params":{"seconds":30,"steps":300}}"#)
    process.send(#"{"jsonrpc":"2.0","id":"quick","method":"ping"}"#)
    _ = try await process.waitForLines(1)
    try await Task.sleep(nanoseconds: 100_000_000)
    process.signal(SIGTERM)
    #expect(try await process.waitForExit() == 143)
    let long = try #require(process.messages.first { $0["id"] == "long" })
    #expect(long["error"]?["code"] == -32800)
    #expect(long["error"]?["data"]?["kind"] == "shutting_down")
    // Promptly, proven by the work it cut short rather than by a stopwatch: far fewer than its 300 steps ran.
    guard case .int(let completed)? = long["error"]?["data"]?["partial"]?["completedSteps"] else {
      Issue.record("no completedSteps in \(long)")
      return
    }
    #expect(completed < 300)
  }

  @Test func sigintExitsWith130() async throws {
    let process = try BrickauthProcess.launch()
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
    _ = try await process.waitForLines(1)
    process.signal(SIGINT)
    #expect(try await process.waitForExit() == 130)
  }

  @Test func aClosedStdoutEndsTheProcess() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--test-methods"], stdoutReader: false)
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"test/sleep","params":{"seconds":30,"steps":300}}"#)
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
    // stdin stays open: only the failed write (EPIPE) can end this session, and cleanly (SIGPIPE would be 141).
    #expect(try await process.waitForExit(timeoutSeconds: 10) == 0)
  }

  @Test func anOversizedLineIsRejectedAndTheSessionContinues() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--max-message-bytes", "1024"])
    process.send(
      #"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":""# + String(repeating: "x", count: 5000) + #""}}"#
    )
    process.send(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    let messages = process.messages
    #expect(messages.count == 2)
    #expect(messages.first { $0["id"] == .null }?["error"]?["data"]?["kind"] == "message_too_large")
    #expect(messages.contains { $0["id"] == 2 && $0["result"] == [:] })
  }

  @Test func strayPrintsGoToStderrNeverToTheProtocolStream() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--test-methods"])
    process.send(#"{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"strayPrint":true}}"#)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.lines.count == 1)
    #expect(process.messages.first?["id"] == 1)
    #expect(process.stderr.contains("stray print from test/echo"))
  }

  /// 50 overlapping requests with large results and progress: every stdout line must parse, every id must be
  /// answered exactly once, and all progress for a request must precede its response.
  @Test func stdoutStaysPureUnderConcurrentLoad() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--test-methods"])
    var batch = ""
    for id in 0..<50 {
      if id % 5 == 0 {
        batch +=
          #"{"jsonrpc":"2.0","id":\#(id),"method":"test/sleep","params":{"seconds":0.3,"steps":3,"_meta":{"progressToken":\#(id)}}}"#
          + "\n"
      } else {
        batch +=
          #"{"jsonrpc":"2.0","id":\#(id),"method":"test/echo","params":{"value":\#(id),"padBytes":\#(200_000 + id * 1000)}}"#
          + "\n"
      }
    }
    process.send(batch, newline: false)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    let messages = process.messages
    #expect(messages.allSatisfy { $0.objectValue != nil })
    let responses = messages.filter { $0["method"] == nil }
    #expect(responses.count == 50)
    #expect(Set(responses.compactMap { $0["id"] }).count == 50)
    for id in stride(from: 0, to: 50, by: 5) {
      let responseIndex = try #require(messages.firstIndex { $0["id"] == .int(Int64(id)) && $0["method"] == nil })
      let progressIndexes = messages.indices.filter {
        messages[$0]["method"] == "notifications/progress"
          && messages[$0]["params"]?["progressToken"] == .int(Int64(id))
      }
      #expect(!progressIndexes.isEmpty)
      #expect(progressIndexes.allSatisfy { $0 < responseIndex })
    }
    for response in responses where response["result"]?["padding"] != nil {
      guard case .int(let id)? = response["id"], case .string(let padding)? = response["result"]?["padding"] else {
        Issue.record("malformed echo response")
        continue
      }
      #expect(padding.utf8.count == 200_000 + Int(id) * 1000)
    }
  }

  @Test func lspFramingIsDetectedAndUsedBothWays() async throws {
    let process = try BrickauthProcess.launch()
    let body = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
    process.send("Content-Length: \(body.utf8.count)\r\n\r\n\(body)", newline: false)
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    let expected = #"{"jsonrpc":"2.0","id":1,"result":{}}"#
    #expect(process.stdout == "Content-Length: \(expected.utf8.count)\r\n\r\n\(expected)")
  }

  /// A wrong `Content-Length` costs the client only that frame: it is answered as a parse error and the frames after
  /// it are answered while the stream stays open, not lost until the end of input.
  @Test func lspFramesAfterAWrongContentLengthAreAnswered() async throws {
    let process = try BrickauthProcess.launch()
    let ping = { (id: Int) in #"{"jsonrpc":"2.0","id":\#(id),"method":"ping"}"# }
    let frame = { (body: String, length: Int) in "Content-Length: \(length)\r\n\r\n\(body)" }
    process.send(frame(ping(1), 10) + frame(ping(2), ping(2).utf8.count), newline: false)
    process.send(frame(ping(3), ping(3).utf8.count + 30) + frame(ping(4), ping(4).utf8.count), newline: false)
    process.send("Content-Length: 99999999999999999999\r\n\r\n" + ping(5), newline: false)
    process.send(frame(ping(6), ping(6).utf8.count), newline: false)
    let deadline = Date(timeIntervalSinceNow: 20)
    var answers: [JSONValue] = []
    while answers.count < 5, Date() < deadline {
      try await Task.sleep(nanoseconds: 20_000_000)
      answers = Transcript.messages(in: process.stdout).compactMap { try? JSONParser.parse($0) }
    }
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(Set(answers.compactMap { $0["result"] != nil ? $0["id"] : nil }) == [2, 4, 6])
    let errors = answers.filter { $0["error"] != nil }
    #expect(errors.count == 3)
    #expect(errors.allSatisfy { $0["error"]?["code"] == -32700 && $0["id"] == .null })
  }

  @Test func exitNotificationAfterShutdownExitsZeroAndWithoutItOne() async throws {
    let clean = try BrickauthProcess.launch()
    clean.send(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#)
    clean.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(try await clean.waitForExit() == 0)
    #expect(clean.messages.first?["result"] == [:])

    let abrupt = try BrickauthProcess.launch()
    abrupt.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(try await abrupt.waitForExit() == 1)
  }

  @Test func unknownFlagsAreAUsageError() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--no-such-flag"])
    #expect(try await process.waitForExit() == 2)
    #expect(process.stderr.contains("unknown option --no-such-flag"))
    #expect(process.stdout.isEmpty)
  }
}
