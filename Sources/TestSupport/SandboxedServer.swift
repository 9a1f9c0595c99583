import Basics
package import Databricks
import Foundation
package import JSON
import JSONRPC
package import Sandbox
import Server

/// The server in-process, talking real HTTP to a fresh sandbox workspace through its `admin`, `user` and
/// `needs-login` profiles: the rung of the test ladder where methods meet a network that behaves like Databricks.
///
/// The HTTP client has short timeouts and few retries, so fault tests finish quickly; the retry budget is only
/// generous enough that a loaded machine does not run it out where a test expects the retry to succeed.
///
/// ```swift
/// let world = try SandboxedServer()
/// defer { Task { await world.close() } }
/// let created = try await world.server.call("createToken", params: ["comment": "ci"])
/// ```
package struct SandboxedServer: Sendable {
  package let home: SandboxHome
  package let server: InProcessServer
  package var sandbox: DatabricksSandbox { home.sandbox }
  /// The ports tests' logins listen on: a thousand, where the CLI's 21 (8020…8040) run out when many tests log in
  /// at once (the sandbox accepts a redirect to any loopback port unless a test narrows it).
  package static let loginPorts: ClosedRange<UInt16> = 20_000...20_999

  /// Every call gets its own id: responses are matched by id, and an id may be reused only once answered.
  private let nextID = Locked<Int64>(1)

  /// - Parameter sandboxClock: the service tells time by the sandbox's clock, so a test that freezes or moves it
  ///   moves both, and a rule measured from "now" meets a token seeded relative to it exactly.
  package init(
    configuration: SandboxConfiguration = SandboxConfiguration(),
    mcpAllowSecrets: Bool = false,
    environment: [String: String] = [:],
    keyring: any Keyring = InProcessServer.noKeyring,
    requestTimeoutSeconds: Int = 2,
    maxBodyBytes: Int = RESTClient.maxBodyBytes,
    retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 4, budgetSeconds: 15, initialBackoffSeconds: 0.05),
    loginPorts: ClosedRange<UInt16> = SandboxedServer.loginPorts,
    mcpLoginWaitSeconds: Double? = nil,
    sandboxClock: Bool = false
  ) throws {
    home = try SandboxHome(configuration: configuration)
    let workspaceClock: SandboxClock? = sandboxClock ? home.sandbox.workspace.clock : nil
    let client = RESTClient(
      userAgent: "brickauth-tests",
      requestTimeoutSeconds: requestTimeoutSeconds,
      maxBodyBytes: maxBodyBytes,
      retryPolicy: retryPolicy
    )
    server = InProcessServer(
      // The test's own variables win, `DATABRICKS_*` ones included (the home drops the user's).
      environment: home.environment(replacing: [:]).merging(environment) { _, test in test },
      testMethods: true,
      mcpAllowSecrets: mcpAllowSecrets,
      client: client,
      browser: .followRedirects,
      keyring: keyring,
      loginPorts: loginPorts,
      mcpLoginWaitSeconds: mcpLoginWaitSeconds,
      now: { workspaceClock?.now() ?? Date() }
    )
  }

  /// Calls `method` and returns its `result`, or throws the `error` object it answered with.
  package func result(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    let response = try await call(method, params)
    if let error = response["error"] { throw AnsweredError(error: error) }
    return response["result"] ?? .null
  }

  /// Calls `method` and returns the `error` object it answered with (`.null` if it succeeded).
  package func error(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    try await call(method, params)["error"] ?? .null
  }

  /// Calls `method` with a fresh id and returns the whole response.
  package func call(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    let id = nextID.withLock { id in
      defer { id += 1 }
      return id
    }
    return try await server.call(method, id: .int(id), params: params)
  }

  package func close() async {
    await server.services.logins.cancelAll()
    await home.close()
  }

  /// Runs `body` with a fresh sandbox and server, and always stops the sandbox afterwards.
  package static func with(
    _ configuration: SandboxConfiguration = SandboxConfiguration(),
    mcpAllowSecrets: Bool = false,
    environment: [String: String] = [:],
    keyring: any Keyring = InProcessServer.noKeyring,
    requestTimeoutSeconds: Int = 2,
    loginPorts: ClosedRange<UInt16> = SandboxedServer.loginPorts,
    mcpLoginWaitSeconds: Double? = nil,
    _ body: (SandboxedServer) async throws -> Void
  ) async throws {
    let world = try SandboxedServer(
      configuration: configuration,
      mcpAllowSecrets: mcpAllowSecrets,
      environment: environment,
      keyring: keyring,
      requestTimeoutSeconds: requestTimeoutSeconds,
      loginPorts: loginPorts,
      mcpLoginWaitSeconds: mcpLoginWaitSeconds
    )
    do {
      try await body(world)
    } catch {
      await world.close()
      throw error
    }
    await world.close()
  }
}

/// A call answered with an error where the test expected a result.
package struct AnsweredError: Error, CustomStringConvertible {
  package var error: JSONValue
  package var description: String { "answered with error \(String(decoding: JSONWriter.bytes(error), as: UTF8.self))" }
}
