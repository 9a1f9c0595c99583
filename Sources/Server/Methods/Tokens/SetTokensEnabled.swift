import Databricks

/// Turns personal access tokens on or off for the whole workspace (creation and use); admins only.
enum SetTokensEnabled: RPCMethod {
  static let name = "setTokensEnabled"

  struct Params: Decodable, Sendable {
    var profile: String?
    var enabled: Bool
  }

  struct Result: Encodable, Sendable {
    var tokensEnabled: Bool
    var previous: Bool
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    let previous = try await call.services.credentials.workspace(for: params.profile).setTokensEnabled(params.enabled)
    return Result(tokensEnabled: params.enabled, previous: previous.tokensEnabled)
  }
}
