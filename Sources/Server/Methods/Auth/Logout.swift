import Databricks
import Foundation

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
    let services = call.services
    let config = try await services.config.current()
    let name = params.profile ?? services.resolver.defaultProfileName(in: config)
    guard let name, let profile = config?.profile(name) else {
      throw ConfigError.profileNotFound(
        name: params.profile ?? INIDocument.defaultSection,
        path: services.config.path,
        available: config?.profileNames ?? []
      )
    }
    let hostKey = TokenCacheFile.keys(for: profile).dropFirst().first
    let hostShared = (config?.profiles ?? []).contains { other in
      other.name != name && other.credentialKind == .oauth
        && TokenCacheFile.keys(for: other).dropFirst().first == hostKey
    }
    let keys = TokenCacheFile.keys(for: profile).enumerated().filter { index, _ in index == 0 || !hostShared }
    // Only an OAuth profile has tokens to remove (the CLI's logout acts only on auth_type databricks-cli): a PAT
    // profile's logout never waits on the keyring, nor touches a host key that OAuth profiles may use.
    var removed = false
    if profile.credentialKind == .oauth {
      let tokens = services.tokens
      let plan = try await tokens.readingPlan(tokens.storage(settings: config?.settings ?? [:]))
      removed = try await tokens.remove(keys: keys.map(\.element), plan: plan)
    }
    var deleted = false
    if params.deleteProfile == true {
      try await ConfigEditor.edit(services.config.path) { document throws(INIEditError) in
        document.removeSection(name)
      }
      deleted = true
    }
    return Result(profile: name, removedCredentials: removed, deletedProfile: deleted)
  }
}
