package import Foundation
package import JSON
import JSONRPC
import Server

/// One example exchange from `protocol/examples/`: what a client writes, and what the server must write back.
///
/// The files are the documentation (see `protocol/examples/README.md`), and the tests replay them, so the two
/// cannot drift:
/// - `<name>.jsonl`: the client's stdin, byte for byte (`brickauth < <name>.jsonl` works in a shell);
/// - `<name>.expected.jsonl`: the server's stdout, one JSON value per line, compared by ``TranscriptMatcher``;
/// - `<name>.args` (optional): command-line flags, separated by whitespace;
/// - `<name>.env` (optional): `KEY=value` lines, the environment of the run.
///
/// `${NAME}` in any of them is replaced from the variables of the run (``variables(home:)``). In the two JSON
/// files the value is inserted JSON-escaped, so a placeholder belongs inside a string.
///
/// ```swift
/// let transcript = try Transcript.load("lifecycle", variables: Transcript.variables(home: home))
/// let failure = transcript.matcher.failure(matching: output)
/// ```
package struct Transcript: Sendable {
  package var name: String
  /// The client's input after substitution: exactly the bytes written to the server's stdin.
  package var input: String
  /// The server's expected output lines, parsed (blank lines skipped).
  package var expected: [JSONValue]
  /// The line number of each expected value in `<name>.expected.jsonl`.
  package var expectedLineNumbers: [Int]
  package var arguments: [String]
  package var environment: [String: String]

  package init(
    name: String = "",
    input: String,
    expected: [JSONValue] = [],
    expectedLineNumbers: [Int]? = nil,
    arguments: [String] = [],
    environment: [String: String] = [:]
  ) {
    self.name = name
    self.input = input
    self.expected = expected
    self.expectedLineNumbers = expectedLineNumbers ?? expected.indices.map { $0 + 1 }
    self.arguments = arguments
    self.environment = environment
  }

  /// `protocol/examples/` of this checkout, found from this source file (fixtures are not SwiftPM resources).
  package static let examplesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TestSupport
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()  // the package root
    .appendingPathComponent("protocol/examples", isDirectory: true)

  /// The variables every run provides: `HOME` (a fresh, empty directory that is also the run's `$HOME`, so
  /// nothing of the user's is ever read), `VERSION` (the server's version, as `initialize` reports it) and
  /// `EXAMPLES` (this folder, for sample files such as the quickstart's config).
  /// The sandbox variables are present too, with stand-in values, so a `--sandbox` transcript loads before its
  /// sandbox runs (its real values come from ``sandboxVariables(url:configFile:)``).
  package static func variables(home: URL) -> [String: String] {
    ["HOME": home.path, "VERSION": BrickauthVersion.current, "EXAMPLES": examplesDirectory.path]
      .merging(
        sandboxVariables(url: URL(fileURLWithPath: "/"), configFile: home.appendingPathComponent(".databrickscfg"))
      ) { $1 }
  }

  /// The variables of a `--sandbox` run: `SANDBOX_URL` (the emulated workspace, `http://127.0.0.1:<port>`) and
  /// `SANDBOX_CONFIG` (the throwaway config file).
  package static func sandboxVariables(url: URL, configFile: URL) -> [String: String] {
    ["SANDBOX_URL": url.absoluteString, "SANDBOX_CONFIG": configFile.path]
  }

  /// The names of the transcripts in `directory` (every `<name>.jsonl` that is not itself an expected file).
  package static func names(in directory: URL = examplesDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".jsonl") && !$0.hasSuffix(".expected.jsonl") }
      .map { String($0.dropLast(".jsonl".count)) }
      .sorted()
  }

  /// Loads `<name>.jsonl` and its companions from `directory`, substituting `variables`.
  package static func load(
    _ name: String,
    from directory: URL = examplesDirectory,
    variables: [String: String]
  ) throws -> Transcript {
    func read(_ suffix: String, required: Bool) throws -> String? {
      let url = directory.appendingPathComponent(name + suffix)
      guard required || FileManager.default.fileExists(atPath: url.path) else { return nil }
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw TranscriptError(file: name + suffix, "is missing or unreadable")
      }
      return String(decoding: data, as: UTF8.self)
    }

    let inputFile = name + ".jsonl"
    let expectedFile = name + ".expected.jsonl"
    var transcript = Transcript(name: name, input: "", expectedLineNumbers: [])
    transcript.input = try substitute(
      try read(".jsonl", required: true) ?? "",
      variables: variables,
      jsonEscaped: true,
      file: inputFile
    )
    let expectedText = try read(".expected.jsonl", required: true) ?? ""
    for (offset, line) in Self.lines(of: expectedText).enumerated() where !Self.isBlank(line) {
      let substituted = try substitute(
        line,
        variables: variables,
        jsonEscaped: true,
        file: expectedFile,
        line: offset + 1
      )
      do {
        transcript.expected.append(try JSONParser.parse(substituted))
      } catch {
        throw TranscriptError(file: expectedFile, line: offset + 1, "is not JSON (\(error.reason))")
      }
      transcript.expectedLineNumbers.append(offset + 1)
    }
    if let arguments = try read(".args", required: false) {
      transcript.arguments = try substitute(arguments, variables: variables, jsonEscaped: false, file: name + ".args")
        .split(whereSeparator: \.isWhitespace).map(String.init)
    }
    if let environment = try read(".env", required: false) {
      let file = name + ".env"
      for (offset, line) in Self.lines(of: environment).enumerated() where !Self.isBlank(line) {
        guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
          throw TranscriptError(file: file, line: offset + 1, "is not KEY=value")
        }
        transcript.environment[String(line[..<equals])] = try substitute(
          String(line[line.index(after: equals)...]),
          variables: variables,
          jsonEscaped: false,
          file: file,
          line: offset + 1
        )
      }
    }
    return transcript
  }

  /// The matcher for this transcript's expected lines, with progress tokens tied to their requests.
  package var matcher: TranscriptMatcher {
    TranscriptMatcher(expected: expected, lineNumbers: expectedLineNumbers, progressTokens: progressTokens)
  }

  /// Each `params._meta.progressToken` in the input, mapped to the id of the request that carried it.
  package var progressTokens: [JSONValue: JSONValue] {
    var tokens: [JSONValue: JSONValue] = [:]
    for line in Self.messages(in: input) {
      // Deliberately invalid lines (the parse-error examples) carry no requests.
      guard let value = try? JSONParser.parse(line) else { continue }
      for message in value.arrayValue ?? [value] {
        if let id = message["id"], let token = message["params"]?["_meta"]?["progressToken"] { tokens[token] = id }
      }
    }
    return tokens
  }

  /// Replaces every `${NAME}`; a name the run does not define is an error, so a typo cannot pass silently.
  package static func substitute(
    _ text: String,
    variables: [String: String],
    jsonEscaped: Bool,
    file: String = "",
    line: Int? = nil
  ) throws(TranscriptError) -> String {
    var result = ""
    var rest = text[...]
    while let start = rest.range(of: "${") {
      guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
      let name = String(rest[start.upperBound..<end])
      guard let value = variables[name] else {
        throw TranscriptError(file: file, line: line, "unknown variable ${\(name)} (known: \(variables.keys.sorted()))")
      }
      result += rest[..<start.lowerBound]
      result += jsonEscaped ? String(JSONWriter.string(.string(value)).dropFirst().dropLast()) : value
      rest = rest[rest.index(after: end)...]
    }
    return result + rest
  }

  /// Lines as the server's framer sees them: split at `\n`, a trailing `\r` dropped.
  /// The messages of a byte stream as the service frames them: one per line, or one per `Content-Length` block when
  /// the stream starts with LSP headers (the `lsp-session` transcript, and stdout answered in that framing).
  package static func messages(in text: String) -> [String] {
    var decoder = MessageStreamDecoder(maxMessageBytes: 16 << 20)
    var messages: [String] = []
    let collect: (LineFramer.Event) -> Void = { event in
      if case .line(let bytes) = event { messages.append(String(decoding: bytes, as: UTF8.self)) }
    }
    decoder.feed(Array(text.utf8), collect)
    decoder.finish(collect)
    return messages
  }

  private static func lines(of text: String) -> [String] {
    // By bytes: `"\r\n"` is a single `Character`, so splitting the `String` at `"\n"` would miss it.
    text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
      String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
    }
  }

  private static func isBlank(_ line: String) -> Bool {
    line.allSatisfy { $0 == " " || $0 == "\t" }
  }
}
