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
      var transcript = try Transcript.load(name, variables: Transcript.variables(home: home))
      let environment = ["HOME": home.path].merging(transcript.environment) { $1 }
      let process = try BrickauthProcess.launch(arguments: transcript.arguments, environment: environment)
      if transcript.arguments.contains("--sandbox") {
        // Where the sandbox lives is only known once the binary says so on stderr.
        let (url, configFile) = try await Self.sandboxLocation(process)
        let variables = Transcript.variables(home: home).merging(
          Transcript.sandboxVariables(url: url, configFile: configFile)
        ) { $1 }
        transcript = try Transcript.load(name, variables: variables)
      }
      process.send(transcript.input, newline: false)
      process.closeStdin()
      #expect(try await process.waitForExit() == 0)
      // Answers come in the session's framing: lines, or LSP blocks when the input used them.
      let lsp = transcript.input.hasPrefix("Content-Length:")
      // A truncated last line must be caught here: the decoder keeps only complete messages.
      #expect(lsp || process.stdout.isEmpty || process.stdout.hasSuffix("\n"))
      #expect(!lsp || process.stdout.hasPrefix("Content-Length: "), "LSP input is answered in LSP framing")
      let output = Transcript.messages(in: process.stdout).map {
        (try? JSONParser.parse($0)) ?? .string("<unparseable: \($0)>")
      }
      if let failure = transcript.matcher.failure(matching: output) {
        Issue.record("protocol/examples/\(name): \(failure)")
      }
      // At the default log level a well-formed session logs nothing (but `--sandbox`'s note on where it lives):
      // anything else on stderr is a warning to read.
      let stderr = process.stderr.split(separator: "\n").filter {
        !$0.hasPrefix("brickauth: sandbox ") && !$0.hasPrefix("brickauth: to sign in, open this URL in a browser: ")
      }
      #expect(stderr.isEmpty, "stderr: \(process.stderr.prefix(2000))")
    }
  }

  /// The sandbox URL and config file from `brickauth --sandbox`'s stderr note.
  static func sandboxLocation(_ process: BrickauthProcess) async throws -> (URL, URL) {
    let deadline = Date(timeIntervalSinceNow: 20)
    while Date() < deadline {
      let lines = process.stderr.split(separator: "\n")
      if let workspace = lines.first(where: { $0.hasPrefix("brickauth: sandbox workspace at ") }),
        let home = lines.first(where: { $0.hasPrefix("brickauth: sandbox home ") }),
        let url = workspace.split(separator: " ").dropFirst(4).first.flatMap({ URL(string: String($0)) }),
        let config = home.components(separatedBy: ", config ").last
      {
        return (url, URL(fileURLWithPath: config))
      }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    throw TestTimeout(what: "the sandbox note on stderr: \(process.stderr.prefix(500))")
  }
}
