import Databricks
import JSON

/// Retires the profile's URL on the local token endpoint: it answers 404 from then on.
enum StopServingCredentials: RPCMethod {
  static let name = "stopServingCredentials"

  struct Params: Decodable, Sendable {
    var profile: String?
  }

  struct Result: Encodable, Sendable {
    /// `false` when the profile was not being served.
    var stopped: Bool
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    return Result(stopped: await call.services.metadataService.stopServing(profile: params.profile))
  }
}
