import Foundation
import JSON
import Sandbox
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The built binary at the most verbose log level, signing in as a service principal and as a federated CI job: the
/// client secret, the JWT and the minted tokens appear nowhere in its output but in the answers that carry a token.
@Suite(.timeLimit(.minutes(2))) struct MachineSecretsEndToEndTests {
  /// The value after `prefix` up to the next whitespace on the sandbox's announcement lines.
  private static func announced(_ stderr: String, after prefix: String) -> String? {
    guard let range = stderr.range(of: prefix) else { return nil }
    let rest = stderr[range.upperBound...]
    let value = rest.prefix { !$0.isWhitespace }
    return value.isEmpty ? nil : String(value)
  }

  @Test func noSecretIsPrintedAtDebugLevel() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--sandbox", "--log-level", "debug"])
    defer { process.closeStdin() }
    var url: String?
    var config: String?
    for _ in 0..<2000 where url == nil || config == nil {
      url = Self.announced(process.stderr, after: "sandbox workspace at ")
      config = Self.announced(process.stderr, after: ", config ")
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    let base = try #require(url)
    let configPath = try #require(config)
    // A federation JWT from the child's sandbox, in a file a file-oidc profile names.
    var request = URLRequest(url: try #require(URL(string: base + "/__sandbox/oidc-token")))
    request.httpMethod = "POST"
    request.httpBody = Data("{}".utf8)
    let (body, _) = try await URLSession.shared.data(for: request)
    let jwt = try #require(try JSONParser.parse(body)["value"]?.stringValue)
    let tokenFile = try ScratchDirectory.make(prefix: "oidc").appendingPathComponent("token")
    try Data(jwt.utf8).write(to: tokenFile)
    let clientID = SandboxSeed.servicePrincipal.applicationID ?? ""
    let federated = """

      [ci]
      host = \(base)
      auth_type = file-oidc
      client_id = \(clientID)
      oidc_token_filepath = \(tokenFile.path)

      """
    let handle = try #require(FileHandle(forWritingAtPath: configPath))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(federated.utf8))
    try handle.close()

    let secret = SandboxSeed.servicePrincipalSecret
    let wrong = "dose" + String(repeating: "5", count: 32)
    let requests = [
      #"{"jsonrpc":"2.0","id":1,"method":"getToken","params":{"profile":"sp"}}"#,
      #"{"jsonrpc":"2.0","id":2,"method":"listTokens","params":{"profile":"sp"}}"#,
      #"{"jsonrpc":"2.0","id":3,"method":"describeProfile","params":{"profile":"sp"}}"#,
      #"{"jsonrpc":"2.0","id":4,"method":"getToken","params":{"profile":"ci"}}"#,
      #"{"jsonrpc":"2.0","id":5,"method":"login","params":{"profile":"bot","host":"\#(base)","clientId":"\#(clientID)","clientSecret":"\#(wrong)"}}"#,
      #"{"jsonrpc":"2.0","id":6,"method":"login","params":{"profile":"bot","host":"\#(base)","clientId":"\#(clientID)","clientSecret":"\#(secret)"}}"#,
      #"{"jsonrpc":"2.0","id":7,"method":"getToken","params":{"profile":"bot","forceRefresh":true}}"#,
      #"{"jsonrpc":"2.0","id":8,"method":"listProfiles","params":{"validate":true}}"#,
      #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"listTokens","arguments":{"profile":"ci"}}}"#,
    ]
    for (index, line) in requests.enumerated() {
      process.send(line)
      _ = try await process.waitUntil { $0.contains { $0["id"] == .int(Int64(index + 1)) } }
    }
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    let messages = process.messages
    func answer(_ id: Int64) -> JSONValue? { messages.first { $0["id"] == .int(id) } }
    let tokenAnswers: [Int64] = [1, 4, 7]
    let minted = tokenAnswers.compactMap { answer($0)?["result"]?["accessToken"]?.stringValue }
    #expect(minted.count == 3)
    #expect(answer(2)?["result"]?["tokens"] == [])
    #expect(answer(5)?["error"]?["data"]?["kind"] == "auth_failed")
    #expect(answer(6)?["result"]?["status"] == "complete")
    #expect(answer(9)?["result"]?["isError"] == false)
    #expect(!process.stderr.isEmpty, "debug logging wrote something to check")
    let otherLines = process.lines.filter { line in
      !tokenAnswers.contains { line.contains(#""id":\#($0),"#) }
    }
    for value in [secret, wrong, jwt, SandboxSeed.githubRequestToken] + minted {
      #expect(!process.stderr.contains(value), "stderr shows \(value.prefix(8))…")
      #expect(!otherLines.contains { $0.contains(value) }, "stdout shows \(value.prefix(8))…")
    }
  }

  /// `brickauth token` for the sandbox's service principal: a minted token on stdout, nothing on stderr.
  @Test func theTokenCommandMintsForAServicePrincipal() async throws {
    let process = try BrickauthProcess.launch(arguments: [
      "--sandbox", "token", "--profile", "sp", "--output", "text",
    ])
    #expect(try await process.waitForExit() == 0)
    #expect(process.stdout.hasPrefix("eyJ") && process.stdout.hasSuffix("\n"))
    #expect(process.stderr.isEmpty)
  }
}
