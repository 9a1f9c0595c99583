/// Liveness check: answers `{}` at once, in any state.
enum Ping: RPCMethod {
  static let name = "ping"

  static func handle(_ params: NoParams, _ call: MethodCall) async throws -> EmptyResult {
    EmptyResult()
  }
}
