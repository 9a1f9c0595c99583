import Foundation
import Sandbox
import TestSupport
import Testing

/// `brickauth exec` run by the built binary against `--sandbox`: the runner (status, signals, streams, environment)
/// and the metadata-service endpoint the command reads its token from.
@Suite(.timeLimit(.minutes(1))) struct ExecCommandEndToEndTests {
  private static func exec(
    _ command: [String],
    profile: String = "admin",
    environment: [String: String] = [:]
  ) throws -> BrickauthProcess {
    try BrickauthProcess.launch(
      arguments: ["--sandbox", "exec", "--profile", profile, "--"] + command,
      environment: environment
    )
  }

  @Test func theCommandsExitStatusIsBrickauths() async throws {
    #expect(try await Self.exec(["/bin/sh", "-c", "exit 7"]).waitForExit() == 7)
    #expect(try await Self.exec(["true"]).waitForExit() == 0)
  }

  @Test func aCommandEndedBySignalNReportsOneHundredTwentyEightPlusN() async throws {
    #expect(try await Self.exec(["/bin/sh", "-c", "kill -TERM $$"]).waitForExit() == 143)
  }

  @Test func sigtermIsPassedOnToTheCommand() async throws {
    let process = try Self.exec([
      "/bin/sh", "-c", "trap 'exit 42' TERM; echo ready; while true; do sleep 0.05; done",
    ])
    _ = try await process.waitForLines(1)
    process.signal(SIGTERM)
    #expect(try await process.waitForExit() == 42)
  }

  @Test func stdinReachesTheCommand() async throws {
    let process = try Self.exec(["cat"])
    process.send("through brickauth")
    process.closeStdin()
    #expect(try await process.waitForExit() == 0)
    #expect(process.stdout == "through brickauth\n")
  }

  @Test func theEnvironmentGainsTheServedVariablesAndLosesEveryOtherCredential() async throws {
    let process = try Self.exec(
      ["/usr/bin/env"],
      environment: [
        "DATABRICKS_TOKEN": "dapi-from-the-caller", "DATABRICKS_CLIENT_ID": "sp", "DATABRICKS_CLIENT_SECRET": "s",
        "DATABRICKS_CONFIG_PROFILE": "other", "DATABRICKS_USERNAME": "u", "DATABRICKS_PASSWORD": "p",
        "DATABRICKS_AUTH_TYPE": "pat", "ARM_CLIENT_SECRET": "a", "KEPT": "yes", "DATABRICKS_CONFIG_FILE": "/x",
      ]
    )
    #expect(try await process.waitForExit() == 0)
    let variables = Dictionary(
      process.lines.compactMap { line in
        line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[$0...].dropFirst())) }
      },
      uniquingKeysWith: { first, _ in first }
    )
    #expect(variables["DATABRICKS_AUTH_TYPE"] == "metadata-service")
    #expect(variables["DATABRICKS_HOST"]?.hasPrefix("http://127.0.0.1:") == true)
    #expect(variables["DATABRICKS_METADATA_SERVICE_URL"] != nil)
    #expect(variables["KEPT"] == "yes")
    #expect(variables["DATABRICKS_CONFIG_FILE"] == "/x")
    for name in [
      "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_CONFIG_PROFILE",
      "DATABRICKS_USERNAME", "DATABRICKS_PASSWORD", "ARM_CLIENT_SECRET",
    ] {
      #expect(variables[name] == nil, "\(name) reached the command")
    }
    // The profile's own token is never handed over: the command asks the endpoint for it.
    #expect(!process.stdout.contains(SandboxSeed.adminToken))
  }

  @Test func argumentsAfterTheSeparatorArriveVerbatim() async throws {
    let process = try Self.exec(["/bin/sh", "-c", #"printf '%s|' "$@""#, "sh", "--profile", "-x", "--", "a b"])
    #expect(try await process.waitForExit() == 0)
    #expect(process.stdout == "--profile|-x|--|a b|")
  }

  @Test func aProfileThatNeedsASignInFailsBeforeTheCommandStarts() async throws {
    let process = try Self.exec(["/bin/sh", "-c", "echo started"], profile: "needs-login")
    #expect(try await process.waitForExit() == 1)
    #expect(process.stdout.isEmpty)
    let lines = process.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines.first?.contains("run databricks auth login --profile needs-login") == true)
  }

  @Test func aMissingCommandIsOneHundredTwentySeven() async throws {
    let process = try Self.exec(["no-such-command-brickauth"])
    #expect(try await process.waitForExit() == 127)
    #expect(process.stderr.contains("brickauth: cannot run no-such-command-brickauth"))
  }

  /// The command asks the endpoint it was handed, as an SDK does, and gets the profile's token.
  @Test func theCommandReadsTheProfilesTokenFromTheEndpoint() async throws {
    let script = """
      import json, os, urllib.request
      request = urllib.request.Request(os.environ["DATABRICKS_METADATA_SERVICE_URL"], headers={
          "X-Databricks-Metadata-Version": "1", "X-Databricks-Host": os.environ["DATABRICKS_HOST"]})
      answer = json.load(urllib.request.urlopen(request))
      print(answer["token_type"], answer["access_token"] == os.environ["EXPECTED"], type(answer["expires_on"]).__name__)
      """
    let process = try Self.exec(
      ["python3", "-c", script],
      environment: ["EXPECTED": SandboxSeed.adminToken, "no_proxy": "*"]
    )
    #expect(try await process.waitForExit() == 0, "\(process.stderr)")
    #expect(process.stdout == "Bearer True int\n")
  }
}
