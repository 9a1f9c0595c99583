import Databricks
import JSON

/// Serves the profile's token on the local token endpoint (the SDKs' `metadata-service` protocol) and answers its
/// URL and the environment that points an SDK at it. Not an MCP tool: the URL is as good as a token, so it goes
/// only to the editor or launcher that hands it to processes it starts, never into a model's context.
enum ServeCredentials: RPCMethod {
  static let name = "serveCredentials"

  struct Params: Decodable, Sendable {
    var profile: String?
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> ServedCredentials {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    return try await call.services.metadataService.serve(profile: params.profile)
  }
}
