/// The OS keyring through its command-line tool (``SecretTool``, ``SecurityTool``), each call bounded in time.
///
/// Every operation ends within ``timeoutSeconds`` (the CLI's 3 s): a keyring that waits for a password prompt nobody
/// sees, or a hung D-Bus, is a ``KeyringError/timedOut(operation:)``, never a hung request. The tool runs on a thread
/// of its own (``BoundedProcess``), so a slow keyring holds up only the requests that need that profile's token.
package struct CommandLineKeyring<Tool: KeyringTool>: Keyring {
  package var tool: Tool
  /// The environment the tool runs in: brickauth's own, which says where the D-Bus session is.
  package var environment: [String: String]
  package var timeoutSeconds: Double

  package init(tool: Tool, environment: [String: String], timeoutSeconds: Double = 3) {
    self.tool = tool
    self.environment = environment
    self.timeoutSeconds = timeoutSeconds
  }

  package func secret(service: String, account: String) async throws(KeyringError) -> String? {
    try Self.requireArguments(service, account)
    return try tool.lookupResult(await run(tool.lookup(service: service, account: account), operation: "get"))
  }

  package func setSecret(_ secret: String, service: String, account: String) async throws(KeyringError) {
    try Self.requireArguments(service, account)
    for command in try tool.store(secret, service: service, account: account) {
      if try tool.storeResult(await run(command, operation: "set")) { return }
    }
    throw .failed(reason: "the keyring has no collection to store the secret in")
  }

  package func deleteSecret(service: String, account: String) async throws(KeyringError) -> Bool {
    try Self.requireArguments(service, account)
    return try tool.deleteResult(await run(tool.delete(service: service, account: account), operation: "delete"))
  }

  /// The service and account go on the tool's command line, where a NUL byte ends an argument: `a\0b` would be the
  /// account `a`, another profile's entry.
  private static func requireArguments(_ service: String, _ account: String) throws(KeyringError) {
    guard !service.utf8.contains(0), !account.utf8.contains(0) else {
      throw .failed(reason: "the keyring cannot hold a service or account name with a NUL byte")
    }
  }

  private func run(_ command: KeyringCommand, operation: String) async throws(KeyringError) -> BoundedProcess.Output {
    if let reason = tool.unavailability(environment: environment) { throw .unavailable(reason: reason) }
    do {
      return try await BoundedProcess.run(
        command.arguments,
        input: command.input,
        environment: environment,
        timeoutSeconds: timeoutSeconds
      )
    } catch {
      switch error {
      case .launchFailed(let executable, let reason):
        throw .unavailable(reason: "\(executable) could not be started: \(reason)")
      case .timedOut:
        throw .timedOut(operation: operation)
      }
    }
  }
}

/// The keyring of the platform brickauth runs on.
package enum SystemKeyring {
  package static func make(environment: [String: String]) -> any Keyring {
    #if os(macOS)
      CommandLineKeyring(tool: SecurityTool(), environment: environment)
    #elseif os(Linux) || os(FreeBSD) || os(OpenBSD)
      CommandLineKeyring(tool: SecretTool(), environment: environment)
    #else
      AbsentKeyring(reason: "brickauth reaches no OS keyring on this platform")
    #endif
  }
}
