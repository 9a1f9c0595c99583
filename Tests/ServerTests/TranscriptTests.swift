import Foundation
import JSON
import TestSupport
import Testing

/// Loading transcripts from files: companions, substitution, line handling, and mistakes reported with their line.
@Suite struct TranscriptTests {
  static func write(_ files: [String: String], in directory: URL) throws {
    for (name, text) in files {
      try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }
  }

  @Test func loadsTheFilesWithSubstitutionsAndFramingLikeStdin() async throws {
    try await ScratchDirectory.with { directory in
      try Self.write(
        [
          "t.jsonl": "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"p\":\"${DIR}\"}}\r\n\n",
          "t.expected.jsonl": "\n{\"id\":1,\"path\":\"${DIR}/x\"}\r\n  \n[1]\n",
          "t.args": "--test-methods\n  --max-message-bytes 100\n",
          "t.env": "DATABRICKS_CONFIG_FILE=${DIR}/cfg\n\nEMPTY=\nWITH_EQUALS=a=b\n",
          "other.expected.jsonl": "",
        ],
        in: directory
      )
      let variables = ["DIR": #"/tmp/a "quoted" dir"#]
      let transcript = try Transcript.load("t", from: directory, variables: variables)
      #expect(transcript.input.contains(#"{"p":"/tmp/a \"quoted\" dir"}"#))
      #expect(transcript.expected == [["id": 1, "path": #"/tmp/a "quoted" dir/x"#], [1]])
      #expect(transcript.expectedLineNumbers == [2, 4])
      #expect(transcript.arguments == ["--test-methods", "--max-message-bytes", "100"])
      #expect(
        transcript.environment == [
          "DATABRICKS_CONFIG_FILE": #"/tmp/a "quoted" dir/cfg"#, "EMPTY": "", "WITH_EQUALS": "a=b",
        ]
      )
      #expect(try Transcript.names(in: directory) == ["t"])
    }
  }

  @Test func mistakesInTheFilesNameTheFileAndLine() async throws {
    try await ScratchDirectory.with { directory in
      try Self.write(
        [
          "missing.jsonl": "",
          "bad.jsonl": "", "bad.expected.jsonl": "{}\n{\"a\":}\n",
          "typo.jsonl": "{\"x\":\"${NOPE}\"}", "typo.expected.jsonl": "",
          "env.jsonl": "", "env.expected.jsonl": "", "env.env": "OK=1\nnot an assignment\n",
        ],
        in: directory
      )
      #expect(throws: TranscriptError.self) { try Transcript.load("missing", from: directory, variables: [:]) }
      let bad = #expect(throws: TranscriptError.self) { try Transcript.load("bad", from: directory, variables: [:]) }
      #expect(bad?.file == "bad.expected.jsonl" && bad?.line == 2)
      let typo = #expect(throws: TranscriptError.self) { try Transcript.load("typo", from: directory, variables: [:]) }
      #expect(typo?.problem.contains("${NOPE}") == true)
      let env = #expect(throws: TranscriptError.self) { try Transcript.load("env", from: directory, variables: [:]) }
      #expect(env?.file == "env.env" && env?.line == 2)
    }
  }

  @Test func progressTokensAreTiedToTheRequestsThatCarryThem() {
    let transcript = Transcript(
      input: """
        {"jsonrpc":"2.0","id":"a","method":"x","params":{"_meta":{"progressToken":1}}}
        not json
        [{"jsonrpc":"2.0","id":7,"method":"x","params":{"_meta":{"progressToken":"t"}}},{"jsonrpc":"2.0","method":"n","params":{"_meta":{"progressToken":2}}}]
        """
    )
    #expect(transcript.progressTokens == [1: "a", "t": 7])
  }

  @Test func substitutionLeavesTextWithoutVariablesAlone() throws {
    #expect(
      try Transcript.substitute("a $b {c} ${ unterminated", variables: [:], jsonEscaped: true)
        == "a $b {c} ${ unterminated"
    )
    #expect(try Transcript.substitute("${A}${A}", variables: ["A": "\\"], jsonEscaped: true) == #"\\\\"#)
    #expect(try Transcript.substitute("${A}${A}", variables: ["A": "\\"], jsonEscaped: false) == #"\\"#)
  }
}
