import Databricks

/// Reads the workspace token policy: the maximum lifetime of new tokens (0 = no limit) and whether PATs are on.
enum GetTokenSettings: RPCMethod {
  static let name = "getTokenSettings"
  static let keys = ["maxTokenLifetimeDays", "enableTokensConfig"]

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
    let api = try await call.services.sessions.session(for: params.profile).workspace(call.services.client)
    return try await read(api)
  }

  /// Workspace Conf sends strings; a key never set is `""` or missing, which means no limit and tokens enabled.
  static func read(_ api: WorkspaceAPI) async throws -> Result {
    let values = try await api.workspaceConf(keys)
    return Result(
      maxTokenLifetimeDays: values["maxTokenLifetimeDays"].flatMap { Int($0) } ?? 0,
      tokensEnabled: values["enableTokensConfig"]?.lowercased() != "false"
    )
  }
}
