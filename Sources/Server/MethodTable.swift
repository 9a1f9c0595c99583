package import JSONRPC

/// Every RPC method the service answers, in one sorted list: the single place a new method is registered.
///
/// `shutdown`, `exit` and the cancellation notifications are lifecycle, handled by the `Connection` itself.
package enum MethodTable {
  static let methods: [any RPCMethod.Type] = [
    AuditTokens.self,
    CreateToken.self,
    DescribeProfile.self,
    GetToken.self,
    GetTokenSettings.self,
    Initialize.self,
    ListProfiles.self,
    ListTokens.self,
    Login.self,
    Logout.self,
    Ping.self,
    RevokeToken.self,
    RotateToken.self,
    RPCDiscover.self,
    ServeCredentials.self,
    ServerDiscover.self,
    SetMaxLifetime.self,
    SetTokensEnabled.self,
    StopServingCredentials.self,
    ToolsCall.self,
    ToolsList.self,
    UnwatchCredentials.self,
    WatchCredentials.self,
  ]

  /// Registered only for tests (`--test-methods`): slow and large methods with no side effects.
  static let testMethods: [any RPCMethod.Type] = [
    TestEcho.self,
    TestSleep.self,
  ]

  /// The handler of one method of ``methods`` (never a test method): how `tools/call` reaches the same code as a
  /// direct call.
  static func handler(named name: String, services: Services) -> MethodHandler? {
    methods.first { $0.name == name }?.handler(services: services)
  }

  package static func handlers(services: Services) -> [MethodHandler] {
    (methods + (services.testMethods ? testMethods : [])).map { $0.handler(services: services) }
  }
}
