package import Databricks
package import Foundation
package import JSON
package import JSONRPC
package import Server

/// The whole server in-process: the real method table behind a `Connection`, messages in through `receive`,
/// out through a ``CollectingWriter``. The middle rung of the test ladder: real handlers, no pipes, no process.
package struct InProcessServer: Sendable {
  package let connection: Connection
  package let writer = CollectingWriter()
  package let services: Services
  /// The names of the methods served (the method table, plus test methods when enabled).
  package let connectionMethodNames: [String]

  package init(
    environment: [String: String] = [:],
    testMethods: Bool = true,
    mcpAllowSecrets: Bool = false,
    client: RESTClient? = nil,
    browser: Services.Browser = .system,
    keyring: any Keyring = InProcessServer.noKeyring,
    loginPorts: ClosedRange<UInt16> = LoopbackListener.defaultPorts,
    mcpLoginWaitSeconds: Double? = nil,
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    services = Services(
      environment: environment,
      testMethods: testMethods,
      mcpAllowSecrets: mcpAllowSecrets,
      client: client,
      keyring: keyring,
      browser: browser,
      loginPorts: loginPorts,
      mcpDefaultOverrides: mcpLoginWaitSeconds.map { ["login": ["waitSeconds": .double($0)]] } ?? [:],
      now: now
    )
    let handlers = MethodTable.handlers(services: services)
    connectionMethodNames = handlers.map(\.name)
    connection = Connection(handlers: handlers, writer: writer)
  }

  /// The keyring of a test that starts no Secret Service of its own: never the developer's real one.
  package static let noKeyring = AbsentKeyring(reason: "no OS keyring in this test")

  /// Sends one request and waits for its response (progress notifications are skipped).
  package func call(_ method: String, id: JSONValue = 1, params: JSONValue? = nil) async throws -> JSONValue {
    var request: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
    if let params { request["params"] = params }
    connection.receive(JSONWriter.bytes(.object(request))[...])
    let messages = try await writer.waitUntil { $0.contains { $0["id"] == id && $0["method"] == nil } }
    return messages.last { $0["id"] == id && $0["method"] == nil } ?? .null
  }
}
