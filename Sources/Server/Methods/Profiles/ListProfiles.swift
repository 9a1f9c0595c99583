import Databricks
import Foundation
import JSON
import JSONRPC

/// Lists every profile of the config file with its host, level, auth type and credential state, and no secrets.
///
/// Without `validate` it reads only local state (the config and the token cache, both cached until they change, or
/// for OAuth profiles whose tokens are in the OS keyring, the keyring entries brickauth remembers for a few
/// seconds), so an editor can call it on every keystroke. A config file that does not exist is an empty list, not an error: that
/// is a new user. With `validate`, every profile is also checked against its workspace (SCIM `Me`) or account, all
/// at once, each within ``validationSeconds``, with progress as each finishes: as `databricks auth profiles` does.
enum ListProfiles: RPCMethod {
  static let name = "listProfiles"
  static let validationSeconds = 5.0

  struct Params: Decodable, Sendable {
    var validate: Bool?
  }

  struct ProfileList: Encodable, Sendable {
    var configFile: String
    @ExplicitNull var defaultProfile: String?
    var profiles: [Summary]
  }

  struct Summary: Encodable, Sendable {
    var name: String
    @ExplicitNull var host: String?
    var accountId: String?
    var workspaceId: String?
    var level: String
    var authType: String
    var isDefault: Bool
    var credential: Credential
    /// Whether `getToken` would ask for a sign-in, known from the files alone (``LoginRequirement``), and its reason.
    var loginRequired: Bool
    var loginRequiredReason: String?
    /// With `validate` only: whether the check succeeded, and its error when it did not.
    var valid: Bool?
    var error: JSONValue?
  }

  struct Credential: Encodable, Sendable {
    var kind: String
    var cached: Bool
    var expiresAt: String?
    /// With `validate`, for a PAT whose expiry brickauth recorded: it expires within 7 days (or has expired).
    var expiringSoon: Bool?
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> EncodedResult {
    let services = call.services
    let config = try await services.config.snapshot()
    // A broken token cache or keyring must not hide the profiles: their OAuth tokens just show as not cached.
    let profiles = config.value?.profiles ?? []
    var tokens = OAuthTokensByProfile(stamp: nil) { [:] }
    if profiles.contains(where: { $0.credentialKind == .oauth }),
      let storage = try? services.tokens.storage(settings: config.value?.settings ?? [:])
    {
      tokens = await services.tokens.byProfile(profiles, storage: storage)
    }
    // `nil` when the tokens could not be read: then whether a token is missing is not known.
    var missingTokenReason: String?
    if let plan = tokens.plan { missingTokenReason = await services.tokens.missingTokenReason(plan: plan) }
    let stamp: [Int] =
      switch tokens.stamp {
      case .file(let version): [0, version]
      case .keyring(let generation): [1, generation]
      case nil: [-1]
      }
    // Machine tokens live in the process's memory: held ones show as cached, and every mint changes the answer.
    let held = await services.credentials.heldMachineTokens()
    let now = services.now()
    let remembered = try services.profileList.value(
      for: [config.version] + stamp + [held.mintCount, missingTokenReason.hashValue],
      now: now
    ) {
      let entries = tokens.entries()
      let list = result(
        config.value,
        entries,
        held: held.expiries,
        missingTokenReason: missingTokenReason,
        now: now,
        services: services
      )
      let changes = entries.values.compactMap { LoginRequirement.changes(for: $0, after: now) }.min()
      return ((list, try EncodedResult(list)), until: changes)
    }
    guard params.validate == true else { return remembered.encoded }
    var list = remembered.list
    let checks = await validate(profiles.compactMap(\.name), call)
    for index in list.profiles.indices {
      guard let check = checks[ProfileName.Key(list.profiles[index].name)] else { continue }
      list.profiles[index].valid = check == nil
      list.profiles[index].error = check?.jsonValue
    }
    // A PAT's expiry comes from the record brickauth wrote when it minted the token: it never changes, so no call
    // asks for it. It is reported here, with the live checks, and not in the remembered list.
    for (index, profile) in profiles.enumerated() where index < list.profiles.count && profile.credentialKind == .pat {
      guard let record = MintedTokenRecord.matching(profile.attributes) else { continue }
      list.profiles[index].credential.expiresAt = record.expiresAt.map(RFC3339.utcString)
      list.profiles[index].credential.expiringSoon = record.expiresSoon(now: now)
    }
    return try EncodedResult(list)
  }

  /// Checks every profile concurrently; `nil` means valid. Progress reports each as it finishes. Keyed by the
  /// names' bytes, as profiles are told apart.
  static func validate(_ names: [String], _ call: MethodCall) async -> [ProfileName.Key: RPCError?] {
    let services = call.services
    return await withTaskGroup(of: (String, RPCError?).self) { group in
      for name in names {
        group.addTask {
          do {
            try await withDeadline(seconds: validationSeconds, what: "Checking the profile \(name)") {
              try await services.credentials.verify(name)
            }
            return (name, nil)
          } catch {
            return (name, RPCError(error))
          }
        }
      }
      var results: [ProfileName.Key: RPCError?] = [:]
      for await (name, error) in group {
        results[ProfileName.Key(name)] = error
        call.request.reportProgress(
          Double(results.count),
          total: Double(names.count),
          message: "Checked \(results.count) of \(names.count) profiles"
        )
      }
      return results
    }
  }

  static func result(
    _ config: ConfigFile?,
    _ tokens: [ProfileName.Key: OAuthTokenStore.Entry],
    held: [ProfileName.Key: Date?] = [:],
    missingTokenReason: String?,
    now: Date,
    services: Services
  ) -> ProfileList {
    let defaultName = services.resolver.defaultProfileName(in: config)
    return ProfileList(
      configFile: services.config.path,
      defaultProfile: defaultName,
      profiles: (config?.profiles ?? []).map {
        summary(
          $0,
          isDefault: $0.name.map { Array($0.utf8) } == defaultName.map { Array($0.utf8) },
          token: $0.name.flatMap { tokens[ProfileName.Key($0)] },
          held: $0.name.flatMap { held[ProfileName.Key($0)] },
          missingTokenReason: missingTokenReason,
          now: now
        )
      }
    )
  }

  /// - Parameter held: for a machine profile whose minted token this process holds, when it expires.
  static func summary(
    _ profile: Profile,
    isDefault: Bool,
    token: OAuthTokenStore.Entry?,
    held: Date?? = nil,
    missingTokenReason: String?,
    now: Date
  ) -> Summary {
    let loginRequiredReason = LoginRequirement.reason(
      for: profile,
      token: token,
      missingTokenReason: missingTokenReason,
      now: now
    )
    var credential = Credential(kind: profile.credentialKind.rawValue, cached: false)
    switch profile.credentialKind {
    case .pat:
      credential.cached = true
    case .oauth:
      credential.cached = token != nil
      credential.expiresAt = token?.expiry.map(RFC3339.utcString)
    case .m2m, .federation:
      credential.cached = held != nil
      credential.expiresAt = held.flatMap { $0 }.map(RFC3339.utcString)
    case .other, .none:
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
      credential: credential,
      loginRequired: loginRequiredReason != nil,
      loginRequiredReason: loginRequiredReason
    )
  }
}
