/// Liveness check: answers `{}` at once while the service is serving (after `shutdown` it is refused like every
/// request).
enum Ping: RPCMethod {
  static let name = "ping"

  static func handle(_ params: NoParams, _ call: MethodCall) async throws -> EmptyResult {
    EmptyResult()
  }
}
