import Databricks

/// Signs a profile out: removes its cached OAuth tokens and, with `deleteProfile`, its section of the config file.
///
/// As `databricks auth logout` does: the tokens go from the store the storage mode reads (the OS keyring, or the
/// token cache file), under the profile key and the host key, unless another `databricks-cli` profile signs in to
/// the same host (and account) and so still needs that host key.
enum Logout: RPCMethod {
  static let name = "logout"

  struct Params: Decodable, Sendable {
    var profile: String?
    var deleteProfile: Bool?
  }

  struct Result: Encodable, Sendable {
    var profile: String
    var removedCredentials: Bool
    var deletedProfile: Bool
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    let logout = call.services.logout
    let outcome = try await logout.run(profile: params.profile, deleteProfile: params.deleteProfile == true)
    return Result(
      profile: outcome.profile,
      removedCredentials: outcome.removedCredentials,
      deletedProfile: outcome.deletedProfile
    )
  }
}
