import Databricks
import JSON

/// Ends a watch started by `watchCredentials`; the last one stops the file watcher.
enum UnwatchCredentials: RPCMethod {
  static let name = "unwatchCredentials"

  struct Params: Decodable, Sendable {
    var watchId: String
  }

  struct Result: Encodable, Sendable {
    /// `false` when there was no such watch (already ended).
    var stopped: Bool
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    Result(stopped: await call.services.watches.unwatch(params.watchId))
  }
}
