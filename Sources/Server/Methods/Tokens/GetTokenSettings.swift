import Databricks

/// Reads the workspace token policy: the maximum lifetime of new tokens (0 = no limit) and whether PATs are on.
enum GetTokenSettings: RPCMethod {
  static let name = "getTokenSettings"

  struct Params: Decodable, Sendable {
    var profile: String?
  }

  struct Result: Encodable, Sendable {
    var maxTokenLifetimeDays: Int
    var tokensEnabled: Bool
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    let policy = try await call.services.credentials.workspace(for: params.profile).tokenPolicy()
    return Result(maxTokenLifetimeDays: policy.maxLifetimeDays, tokensEnabled: policy.tokensEnabled)
  }
}
