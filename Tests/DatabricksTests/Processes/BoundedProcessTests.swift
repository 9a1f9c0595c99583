import Databricks
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// ``BoundedProcess`` runs the keyring tools: stdin from bytes, stdout and stderr captured, the program killed at its
/// deadline.
///
/// What is pinned down is what a keyring call depends on: the bytes pass through unchanged in both directions, a
/// hung tool ends in `timedOut` instead of a hung request, and no mix of pipe sizes (a program that floods its
/// output, one that takes a large input, one that exits without reading it) can deadlock the runner.
@Suite(.timeLimit(.minutes(1))) struct BoundedProcessTests {
  static let environment = ["PATH": "/usr/bin:/bin"]
  /// `BoundedProcess.outputLimit`, which is internal: at most this much of each output is kept.
  static let outputLimit = 1 << 20

  static func run(
    _ arguments: [String],
    input: [UInt8] = [],
    environment: [String: String] = environment,
    timeoutSeconds: Double = 20
  ) async throws(BoundedProcess.Failure) -> BoundedProcess.Output {
    try await BoundedProcess.run(
      arguments,
      input: input,
      environment: environment,
      timeoutSeconds: timeoutSeconds
    )
  }

  /// A descriptor another thread opened without close-on-exec (Foundation, a library, a test's own socket) must not
  /// reach the program: it would hold a pipe or a connection of someone else's open for as long as the program runs.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
  func theProgramGetsOnlyItsThreeStandardDescriptors() async throws {
    let leaked = open("/dev/null", O_RDONLY)
    #expect(leaked > 2)
    defer { close(leaked) }
    let output = try await Self.run(["/bin/sh", "-c", "ls /proc/$$/fd"])
    let descriptors = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
    #expect(output.status == 0)
    #expect(!descriptors.contains(Int(leaked)), "descriptor \(leaked) was inherited")
    #expect(Set(descriptors).isSuperset(of: [0, 1, 2]))
  }

  @Test func passesStdinToStdoutUnchanged() async throws {
    let input = Array("line one\nline two\n\u{0}é".utf8)
    let output = try await Self.run(["/bin/cat"], input: input)
    #expect(output == BoundedProcess.Output(status: 0, stdout: input, stderr: []))
  }

  @Test func reportsTheExitStatusAndStderr() async throws {
    let output = try await Self.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
    #expect(output.status == 3)
    #expect(output.stdout == Array("out\n".utf8))
    #expect(output.stderr == Array("err\n".utf8))
    #expect(output.errorText == "err")
  }

  @Test func reportsASignalAsOneHundredTwentyEightPlusItsNumber() async throws {
    #expect(try await Self.run(["/bin/sh", "-c", "kill -KILL $$"]).status == 128 + 9)
    #expect(try await Self.run(["/bin/sh", "-c", "kill -TERM $$"]).status == 128 + 15)
  }

  @Test func runsTheProgramInExactlyTheGivenEnvironment() async throws {
    let output = try await Self.run(
      ["/bin/sh", "-c", #"printf '%s|%s' "$BRICKAUTH_TEST" "${HOME-unset}""#],
      environment: ["BRICKAUTH_TEST": "a b"]
    )
    #expect(String(decoding: output.stdout, as: UTF8.self) == "a b|unset")
  }

  /// Helper programs get the environment minus every credential brickauth may have been started with, so a
  /// keyring tool or browser (or whatever `BROWSER` names) cannot read them.
  @Test func neverPassesSecretBearingVariablesOn() async throws {
    let secrets = [
      "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_PASSWORD", "DATABRICKS_OIDC_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ARM_CLIENT_SECRET", "GOOGLE_CREDENTIALS", "DATABRICKS_METADATA_SERVICE_URL",
      "SYSTEM_ACCESSTOKEN", "MY_CI_OIDC",
    ]
    var environment = Dictionary(uniqueKeysWithValues: secrets.map { ($0, "leaked-\($0)") })
    environment["DATABRICKS_OIDC_TOKEN_ENV"] = "MY_CI_OIDC"
    environment["DATABRICKS_HOST"] = "https://h.example"
    environment["PATH"] = "/usr/bin:/bin"
    let output = try await Self.run(["/usr/bin/env"], environment: environment)
    let printed = String(decoding: output.stdout, as: UTF8.self)
    #expect(!printed.contains("leaked"), "\(printed)")
    let names = Set(printed.split(separator: "\n").map { String($0.prefix { $0 != "=" }) })
    #expect(names.isSuperset(of: ["DATABRICKS_HOST", "PATH", "DATABRICKS_OIDC_TOKEN_ENV"]))
  }

  @Test func killsAProgramThatOverrunsItsDeadline() async {
    await #expect(throws: BoundedProcess.Failure.timedOut(seconds: 0.3)) {
      try await Self.run(["/bin/sleep", "10"], timeoutSeconds: 0.3)
    }
  }

  @Test func killsAProgramThatFloodsItsOutputForever() async {
    await #expect(throws: BoundedProcess.Failure.timedOut(seconds: 0.5)) {
      try await Self.run(["/bin/sh", "-c", "exec yes"], timeoutSeconds: 0.5)
    }
  }

  /// The deadline bounds the program, not only its outputs: one that closes them and carries on is still killed.
  @Test func killsAProgramThatClosesItsOutputsAndCarriesOn() async {
    await #expect(throws: BoundedProcess.Failure.timedOut(seconds: 0.3)) {
      try await Self.run(["/bin/sh", "-c", "exec >&- 2>&-; exec sleep 10"], timeoutSeconds: 0.3)
    }
  }

  /// A program that exited has answered, even when a process it left behind still holds its outputs.
  @Test func endsWhenTheProgramExitsThoughAChildStillHoldsItsOutputs() async throws {
    let output = try await Self.run(["/bin/sh", "-c", "sleep 10 & echo done"], timeoutSeconds: 5)
    #expect(output.status == 0)
    #expect(String(decoding: output.stdout, as: UTF8.self) == "done\n")
  }

  @Test func reportsAProgramThatCannotBeStarted() async {
    await #expect(
      throws: BoundedProcess.Failure.launchFailed(
        executable: "/nonexistent/secret-tool",
        reason: "No such file or directory"
      )
    ) {
      try await Self.run(["/nonexistent/secret-tool", "lookup"])
    }
    await #expect(throws: BoundedProcess.Failure.launchFailed(executable: "", reason: "no program to run")) {
      try await Self.run([])
    }
  }

  @Test func capsAFloodOfOutputWithoutBlockingTheProgram() async throws {
    let output = try await Self.run(["/bin/sh", "-c", "head -c 3000000 /dev/zero"])
    #expect(output.status == 0)
    #expect(output.stdout.count == Self.outputLimit)
    #expect(output.stdout.allSatisfy { $0 == 0 })
    #expect(output.stderr.isEmpty)
  }

  @Test func drainsStderrWhileTheProgramStillWritesStdout() async throws {
    // More than a pipe buffer on stderr before anything on stdout: both must be read at once.
    let output = try await Self.run(["/bin/sh", "-c", "head -c 200000 /dev/zero >&2; head -c 300000 /dev/zero"])
    #expect(output.status == 0)
    #expect(output.stderr.count == 200_000)
    #expect(output.stdout.count == 300_000)
  }

  @Test func feedsAnInputLargerThanAPipeBuffer() async throws {
    let input = (0..<200_000).map { UInt8($0 % 251) }
    let output = try await Self.run(["/bin/cat"], input: input)
    #expect(output.status == 0)
    #expect(output.stdout.count == input.count)
    #expect(output.stdout == input)
  }

  @Test func stopsFeedingAProgramThatExitsWithoutReading() async throws {
    let output = try await Self.run(["/bin/true"], input: [UInt8](repeating: 0x61, count: 1 << 20))
    #expect(output == BoundedProcess.Output(status: 0, stdout: [], stderr: []))
  }
}

extension BoundedProcessTests {
  /// ``CommandLineKeyring`` end to end through ``BoundedProcess`` with a fake `secret-tool`: a shell script that
  /// records its arguments and stdin, so the tests see what really reached the process and never touch a keyring.
  @Suite struct CommandLineKeyringTests {
    static let bus = ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"]

    /// Writes `body` as an executable `/bin/sh` script into `directory`.
    ///
    /// A helper process writes it, not this one: a descriptor open for writing here would be inherited by programs
    /// that tests running in parallel spawn meanwhile, and executing the script then fails with `ETXTBSY`.
    static func script(_ body: String, in directory: URL) async throws -> String {
      let path = directory.appendingPathComponent("secret-tool").path
      let written = try await BoundedProcessTests.run(
        ["/bin/sh", "-c", #"/bin/cat > "$1" && /bin/chmod 755 "$1""#, "sh", path],
        input: Array(("#!/bin/sh\n" + body + "\n").utf8)
      )
      try #require(written.status == 0, "\(written.errorText)")
      return path
    }

    static func lines(_ path: String) throws -> [String] {
      try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        .map(String.init)
    }

    @Test func timesOutAHungToolAsTheCLIDoes() async throws {
      try await ScratchDirectory.with(prefix: "keyring") { directory in
        let tool = SecretTool(executable: try await Self.script("exec /bin/sleep 10", in: directory))
        let keyring = CommandLineKeyring(tool: tool, environment: Self.bus, timeoutSeconds: 0.3)
        await #expect(throws: KeyringError.timedOut(operation: "get")) {
          try await keyring.secret(service: "databricks-cli", account: "dev")
        }
        await #expect(throws: KeyringError.timedOut(operation: "set")) {
          try await keyring.setSecret("s", service: "databricks-cli", account: "dev")
        }
        await #expect(throws: KeyringError.timedOut(operation: "delete")) {
          try await keyring.deleteSecret(service: "databricks-cli", account: "dev")
        }
        #expect(KeyringError.timedOut(operation: "get").message == "keyring get timed out")
      }
    }

    @Test func readsTheSecretTheToolPrinted() async throws {
      try await ScratchDirectory.with(prefix: "keyring") { directory in
        let log = directory.appendingPathComponent("args").path
        let body = """
          printf '%s\\n' "$@" > '\(log)'
          [ "$6" = dev ] || exit 1
          printf '%s' '{"token":{"access_token":"a"}}'
          """
        let tool = SecretTool(executable: try await Self.script(body, in: directory))
        let keyring = CommandLineKeyring(tool: tool, environment: Self.bus)
        let secret = try await keyring.secret(service: "databricks-cli", account: "dev")
        #expect(secret == #"{"token":{"access_token":"a"}}"#)
        #expect(try Self.lines(log) == ["lookup", "--", "service", "databricks-cli", "username", "dev", ""])
        #expect(try await keyring.secret(service: "databricks-cli", account: "other") == nil)
      }
    }

    @Test func sendsTheSecretOnStdinAndNeverOnTheCommandLine() async throws {
      try await ScratchDirectory.with(prefix: "keyring") { directory in
        let stdin = directory.appendingPathComponent("stdin").path
        let args = directory.appendingPathComponent("args").path
        let body = #"/bin/cat > '\#(stdin)'; printf '%s\n' "$@" > '\#(args)'"#
        let tool = SecretTool(executable: try await Self.script(body, in: directory))
        let keyring = CommandLineKeyring(tool: tool, environment: Self.bus)
        let secret = "{\"token\":{\"access_token\":\"s3cr3t\"}}\n"
        try await keyring.setSecret(secret, service: "databricks-cli", account: "my profile")
        #expect(try Data(contentsOf: URL(fileURLWithPath: stdin)) == Data(secret.utf8))
        #expect(
          try Self.lines(args) == [
            "store", "--label=Password for 'my profile' on 'databricks-cli'",
            "--collection=/org/freedesktop/secrets/collection/login", "--", "service", "databricks-cli",
            "username", "my profile", "",
          ]
        )
      }
    }

    @Test func fallsBackToTheDefaultCollectionEndToEnd() async throws {
      try await ScratchDirectory.with(prefix: "keyring") { directory in
        let stdin = directory.appendingPathComponent("stdin").path
        let calls = directory.appendingPathComponent("calls").path
        let body = """
          printf '%s\\n' "$3" >> '\(calls)'
          case "$3" in
          --collection=*)
            echo 'secret-tool: Object does not exist at path “/org/freedesktop/secrets/collection/login”' >&2
            exit 1;;
          esac
          /bin/cat > '\(stdin)'
          """
        let tool = SecretTool(executable: try await Self.script(body, in: directory))
        let keyring = CommandLineKeyring(tool: tool, environment: Self.bus)
        try await keyring.setSecret("the secret", service: "databricks-cli", account: "dev")
        #expect(try Self.lines(calls) == ["--collection=/org/freedesktop/secrets/collection/login", "--", ""])
        #expect(try String(contentsOfFile: stdin, encoding: .utf8) == "the secret")
      }
    }

    @Test func reportsAMissingOrUnreachableToolAsUnavailable() async throws {
      let missing = CommandLineKeyring(tool: SecretTool(executable: "/nonexistent/secret-tool"), environment: Self.bus)
      await #expect(
        throws: KeyringError.unavailable(
          reason: "/nonexistent/secret-tool could not be started: No such file or directory"
        )
      ) {
        try await missing.secret(service: "databricks-cli", account: "dev")
      }
      // No D-Bus session: refused before anything runs, so even a missing tool is not reported.
      let headless = CommandLineKeyring(tool: SecretTool(executable: "/nonexistent/secret-tool"), environment: [:])
      await #expect(
        throws: KeyringError.unavailable(
          reason: "no D-Bus session bus to reach a Secret Service on (DBUS_SESSION_BUS_ADDRESS is not set)"
        )
      ) {
        try await headless.deleteSecret(service: "databricks-cli", account: "dev")
      }
    }
  }
}
