package import JSONRPC

/// Every RPC method the service answers, in one sorted list: the single place a new method is registered.
///
/// `shutdown`, `exit` and the cancellation notifications are lifecycle, handled by the `Connection` itself.
package enum MethodTable {
  static let methods: [any RPCMethod.Type] = [
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
    RPCDiscover.self,
    SetMaxLifetime.self,
    SetTokensEnabled.self,
    ToolsList.self,
  ]

  /// Registered only for tests (`--test-methods`): slow and large methods with no side effects.
  static let testMethods: [any RPCMethod.Type] = [
    TestEcho.self,
    TestSleep.self,
  ]

  package static func handlers(services: Services) -> [MethodHandler] {
    (methods + (services.testMethods ? testMethods : [])).map { $0.handler(services: services) }
  }
}
