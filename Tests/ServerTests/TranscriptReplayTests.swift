import Foundation
import JSON
import Sandbox
import Server
import TestSupport
import Testing

/// Replays every transcript in `protocol/examples/` against the real method table in-process, so the documented
/// exchanges and the server's behaviour cannot drift. A new transcript in the folder is replayed automatically.
@Suite(.timeLimit(.minutes(1))) struct TranscriptReplayTests {
  static let names = (try? Transcript.names()) ?? []

  @Test(arguments: names) func replaysInProcess(name: String) async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      var variables = Transcript.variables(home: home)
      var environment = ["HOME": home.path]
      // `--sandbox` runs in-process too: start one here and hand its URL and config to the transcript.
      var session: SandboxHome?
      if try Transcript.load(name, variables: variables).arguments.contains("--sandbox") {
        let started = try SandboxHome(in: home)
        session = started
        variables.merge(Transcript.sandboxVariables(url: started.sandbox.baseURL, configFile: started.configFile)) {
          $1
        }
        environment = started.environment(replacing: environment)
      }
      var transcript = try Transcript.load(name, variables: variables)
      transcript.arguments.removeAll { $0 == "--sandbox" }
      environment.merge(transcript.environment) { $1 }
      let output = try await InProcessServer.replay(
        transcript,
        environment: environment,
        browser: session == nil ? .system : .followRedirects
      )
      await session?.close()
      if let failure = transcript.matcher.failure(matching: output) {
        Issue.record("protocol/examples/\(name): \(failure)")
      }
    }
  }

  @Test func theDocumentedTranscriptsAreFound() {
    #expect(
      Set(Self.names).isSuperset(of: ["jsonrpc-spec", "lifecycle", "mcp-session", "progress-and-cancel", "quickstart"])
    )
  }

  /// A stray file (say `login.expected.json`) would otherwise be silently ignored instead of replayed.
  @Test func everyFileInTheFolderBelongsToATranscript() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Transcript.examplesDirectory.path)
    let suffixes = [".expected.jsonl", ".jsonl", ".args", ".env"]
    // Sample files that transcripts point at through `${EXAMPLES}` (the quickstart's config).
    for file in files where file != "README.md" && !file.hasSuffix(".databrickscfg") {
      let suffix = suffixes.first { file.hasSuffix($0) }
      let name = suffix.map { String(file.dropLast($0.count)) }
      #expect(name.map(Self.names.contains) == true, "\(file) belongs to no transcript")
    }
    for name in Self.names {
      #expect(files.contains(name + ".expected.jsonl"), "\(name) has no expected output")
    }
  }

  /// The transcripts document the promise "progress before its response", so they must list it that way, and
  /// ids must be unique so that every response (and the CI schema check) maps back to one request.
  @Test(arguments: names) func transcriptsListProgressBeforeTheResponseAndUseUniqueIDs(name: String) async throws {
    try await ScratchDirectory.with(prefix: "home") { home in
      let transcript = try Transcript.load(name, variables: Transcript.variables(home: home))
      var requestIDs: [JSONValue] = []
      for line in Transcript.messages(in: transcript.input) {
        guard let value = try? JSONParser.parse(line) else { continue }
        for message in value.arrayValue ?? [value] {
          if let id = message["id"], message["method"] != nil { requestIDs.append(id) }
        }
      }
      #expect(Set(requestIDs).count == requestIDs.count, "request ids repeat in \(name).jsonl")

      for (token, id) in transcript.progressTokens {
        let progressLines = transcript.expected.indices.filter {
          transcript.expected[$0]["method"] == "notifications/progress"
            && transcript.expected[$0]["params"]?["progressToken"] == token
        }
        guard let lastProgress = progressLines.last else { continue }
        let responseLine = transcript.expected.firstIndex { $0["id"] == id && $0["method"] == nil }
        #expect(responseLine.map { lastProgress < $0 } == true, "\(name): progress for \(id) not before its response")
      }
    }
  }
}
