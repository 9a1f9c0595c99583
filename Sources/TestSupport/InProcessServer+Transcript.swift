import Foundation
package import JSON
import JSONRPC
package import Server

extension InProcessServer {
  /// Replays a transcript in-process and returns everything the server wrote, in order.
  ///
  /// The input goes through the real ``MessageStreamDecoder`` (so blank lines, `\r\n`, a last line without `\n` and LSP framing behave
  /// as on stdin), each message into ``Connection/receive(_:)``, then input is closed and the replay waits, by
  /// polling, for the connection to finish: blocking a thread on ``Connection/waitForExit()`` could starve the
  /// cooperative pool the handlers run on.
  ///
  /// - Parameter environment: the run's environment (the transcript's `.env` plus `HOME`).
  /// - Throws: ``TranscriptError`` for a flag that has no in-process equivalent, ``TestTimeout`` when the
  ///   session does not end.
  /// - Parameter browser: `.followRedirects` for `--sandbox` transcripts, as the executable does in that mode.
  package static func replay(
    _ transcript: Transcript,
    environment: [String: String],
    browser: Services.Browser = .system,
    timeoutSeconds: Double = 30
  ) async throws -> [JSONValue] {
    var testMethods = false
    var mcpAllowSecrets = false
    var maxMessageBytes = 16 << 20
    var arguments = transcript.arguments[...]
    while let argument = arguments.popFirst() {
      switch argument {
      case "--test-methods":
        testMethods = true
      case "--mcp-allow-secrets":
        mcpAllowSecrets = true
      case "--max-message-bytes":
        guard let bytes = arguments.popFirst().flatMap(Int.init) else {
          throw TranscriptError(file: transcript.name + ".args", "--max-message-bytes needs a number")
        }
        maxMessageBytes = bytes
      default:
        throw TranscriptError(file: transcript.name + ".args", "\(argument) has no in-process equivalent")
      }
    }

    let server = InProcessServer(
      environment: environment,
      testMethods: testMethods,
      mcpAllowSecrets: mcpAllowSecrets,
      browser: browser
    )
    let connection = server.connection
    let deliver: (LineFramer.Event) -> Void = { event in connection.receive(event) }
    // The engine's own detection: newline framing, or LSP headers when the input starts with them.
    var decoder = MessageStreamDecoder(maxMessageBytes: maxMessageBytes)
    decoder.feed(Array(transcript.input.utf8), deliver)
    decoder.finish(deliver)
    connection.inputClosed()

    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    while connection.exitCode == nil {
      guard Date() < deadline else { throw TestTimeout(what: "the end of transcript \(transcript.name)") }
      try await Task.sleep(nanoseconds: 2_000_000)
    }
    return server.writer.values
  }
}
