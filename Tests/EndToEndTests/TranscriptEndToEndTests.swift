import Foundation
import JSON
import TestSupport
import Testing

/// The transcripts of `protocol/examples/` through the built executable over real pipes, exactly as
/// `brickauth $(cat <name>.args) < <name>.jsonl` runs them in a shell: all input at once, then EOF.
@Suite(.timeLimit(.minutes(2))) struct TranscriptEndToEndTests {
  static let names = (try? Transcript.names()) ?? []

  @Test(arguments: names) func replaysThroughTheBuiltBinary(name: String) async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let transcript = try Transcript.load(name, variables: Transcript.variables(home: home))
      let environment = ["HOME": home.path].merging(transcript.environment) { $1 }
      let process = try BrickauthProcess.launch(arguments: transcript.arguments, environment: environment)
      process.send(transcript.input, newline: false)
      process.closeStdin()
      #expect(try await process.waitForExit() == 0)
      // `messages` only holds complete lines, so a truncated last line must be caught here.
      #expect(process.stdout.isEmpty || process.stdout.hasSuffix("\n"))
      if let failure = transcript.matcher.failure(matching: process.messages) {
        Issue.record("protocol/examples/\(name): \(failure)")
      }
      // At the default log level a well-formed session logs nothing: anything on stderr is a warning to read.
      #expect(process.stderr.isEmpty, "stderr: \(process.stderr.prefix(2000))")
    }
  }
}
