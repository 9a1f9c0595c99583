import Databricks
import Foundation
import JSON

/// Lists every profile of the config file with its host, level, auth type and credential state, and no secrets.
///
/// Reads only local files (the config and the token cache, both cached until they change), so an editor can call
/// it on every keystroke. A config file that does not exist is an empty list, not an error: that is a new user.
enum ListProfiles: RPCMethod {
  static let name = "listProfiles"

  struct ProfileList: Encodable, Sendable {
    var configFile: String
    var defaultProfile: String?
    var profiles: [Summary]

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(configFile, forKey: .configFile)
      try container.encode(defaultProfile, forKey: .defaultProfile)
      try container.encode(profiles, forKey: .profiles)
    }

    enum CodingKeys: String, CodingKey {
      case configFile, defaultProfile, profiles
    }
  }

  struct Summary: Encodable, Sendable {
    var name: String
    var host: String?
    var accountId: String?
    var workspaceId: String?
    var level: String
    var authType: String
    var isDefault: Bool
    var credential: Credential

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(name, forKey: .name)
      try container.encode(host, forKey: .host)
      try container.encodeIfPresent(accountId, forKey: .accountId)
      try container.encodeIfPresent(workspaceId, forKey: .workspaceId)
      try container.encode(level, forKey: .level)
      try container.encode(authType, forKey: .authType)
      try container.encode(isDefault, forKey: .isDefault)
      try container.encode(credential, forKey: .credential)
    }

    enum CodingKeys: String, CodingKey {
      case name, host, accountId, workspaceId, level, authType, isDefault, credential
    }
  }

  struct Credential: Encodable, Sendable {
    var kind: String
    var cached: Bool
    var expiresAt: String?
  }

  static func handle(_ params: NoParams, _ call: MethodCall) async throws -> JSONValue {
    let services = call.services
    let config = try await services.config.snapshot()
    // A broken token cache must not hide the profiles: their OAuth tokens just show as not cached.
    let tokens = try? await services.tokenCache.snapshot()
    return try services.profileList.value(for: [config.version, tokens?.version ?? -1]) {
      try JSONValueEncoder().encode(result(config.value, tokens?.value, services: services))
    }
  }

  static func result(_ config: ConfigFile?, _ tokens: TokenCacheFile?, services: Services) -> ProfileList {
    let defaultName = services.resolver.defaultProfileName(in: config)
    return ProfileList(
      configFile: services.config.path,
      defaultProfile: defaultName,
      profiles: (config?.profiles ?? []).map { summary($0, isDefault: $0.name == defaultName, tokens: tokens) }
    )
  }

  static func summary(_ profile: Profile, isDefault: Bool, tokens: TokenCacheFile?) -> Summary {
    var credential = Credential(kind: profile.credentialKind.rawValue, cached: false)
    switch profile.credentialKind {
    case .pat:
      credential.cached = true
    case .oauth:
      let entry = TokenCacheFile.keys(for: profile).lazy.compactMap { tokens?.entry($0) }.first
      credential.cached = entry != nil
      credential.expiresAt = entry?.expiry.map(RFC3339.utcString)
    case .m2m, .other, .none:
      break
    }
    return Summary(
      name: profile.name ?? "",
      host: profile.host?.url,
      accountId: profile.accountId,
      workspaceId: profile.workspaceId,
      level: profile.level.rawValue,
      authType: profile.authType,
      isDefault: isDefault,
      credential: credential
    )
  }
}
