import Databricks
import Foundation

/// Signs a profile out: removes its cached OAuth tokens (the profile key, and the host key unless another profile
/// uses that host, as `databricks auth logout` does) and, with `deleteProfile`, its section of the config file.
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
    let otherHostUsers = (config?.profiles ?? []).filter { $0.name != name && $0.host == profile.host }
    let keys = TokenCacheFile.keys(for: profile).enumerated().filter { index, _ in
      index == 0 || otherHostUsers.isEmpty
    }.map(\.element)
    let removed = try await services.tokenCache.update { file in
      let present = keys.contains { file.entry($0) != nil }
      file.remove(keys: keys)
      return present
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
