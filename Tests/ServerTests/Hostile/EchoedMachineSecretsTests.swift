import Databricks
import Foundation
import JSON
import LoopbackHTTP
import TestSupport
import Testing

/// Machine credentials (workload identity federation, GitHub Actions) against a workspace whose every answer echoes
/// the request back: the subject token (as sent, form-escaped) and GitHub's request token reach no answer.
@Suite(.timeLimit(.minutes(1))) struct EchoedMachineSecretsTests {
  /// An OIDC token that form encoding changes (`+`, `/`, `=` are percent-escaped in the body), and that no
  /// credential-shaped rule would catch: only knowing it was sent can keep its echo out.
  static let subjectToken = "oidc+subject/token=0123456789abcdef"
  static let gitHubRequestToken = "gha-request-5ecret-0123456789"

  /// Appends `text` to the workspace home's config.
  private func append(_ text: String, to workspace: HostileWorkspace) throws {
    let handle = try #require(FileHandle(forWritingAtPath: workspace.environment["DATABRICKS_CONFIG_FILE"] ?? ""))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
  }

  private func written(_ server: InProcessServer) -> String {
    server.writer.rawMessages.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
  }

  @Test func aTokenExchangeErrorEchoingTheFormEscapedSubjectToken() async throws {
    try await HostileWorkspace.with(answer: { HostileWorkspace.echo($0, status: 400) }) { workspace, server in
      let file = workspace.home.appendingPathComponent("oidc-token")
      try Data(Self.subjectToken.utf8).write(to: file)
      try append(
        "\n[ci]\nhost = \(workspace.host)\nauth_type = file-oidc\nclient_id = sp-1\noidc_token_filepath = \(file.path)\n",
        to: workspace
      )
      let error = try #require(try await server.call("getToken", id: 1, params: ["profile": "ci"])["error"])
      #expect(error["data"]?["oauthError"]?.stringValue?.contains("<redacted>") == true, "\(error)")
      _ = try await server.call("describeProfile", id: 2, params: ["profile": "ci"])
      let escaped = FormEncoding.escape(Self.subjectToken)
      #expect(workspace.requests.contains { String(decoding: $0.body, as: UTF8.self).contains(escaped) })
      let text = written(server)
      #expect(!text.contains(escaped), "the answer shows the subject token as the body carried it")
      #expect(!text.contains(Self.subjectToken))
    }
  }

  @Test func aGitHubActionsEndpointEchoingItsRequestToken() async throws {
    let workspace = try HostileWorkspace { HostileWorkspace.echo($0, status: 401) }
    var environment = workspace.environment
    environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = workspace.host + "/github-oidc?api-version=2.0"
    environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = Self.gitHubRequestToken
    let server = InProcessServer(environment: environment)
    try append("\n[gha]\nhost = \(workspace.host)\nauth_type = github-oidc\nclient_id = sp-1\n", to: workspace)
    let error = try await server.call("getToken", id: 1, params: ["profile": "gha"])["error"]
    _ = try await server.call("describeProfile", id: 2, params: ["profile": "gha"])
    let requests = workspace.requests
    await workspace.close()
    #expect(error != nil)
    #expect(requests.contains { $0.headers["Authorization"] == "Bearer \(Self.gitHubRequestToken)" })
    #expect(written(server).contains("<redacted>"), "the echo was there, redacted")
    #expect(!written(server).contains(Self.gitHubRequestToken))
  }
}
