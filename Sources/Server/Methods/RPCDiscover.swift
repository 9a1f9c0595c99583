import JSON

/// Returns the OpenRPC document (`protocol/openrpc.json`, embedded at build time), so clients can discover
/// every method, param, result and error from the running binary.
enum RPCDiscover: RPCMethod {
  static let name = "rpc.discover"

  static func handle(_ params: NoParams, _ call: MethodCall) async throws -> JSONValue {
    OpenRPCDocument.shared
  }
}
