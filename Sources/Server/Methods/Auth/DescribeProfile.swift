import Databricks
import Foundation
import JSON
import JSONRPC

/// Describes the profile a request would use: where it came from, its host and level, how it authenticates, where
/// its tokens are stored (mode, source and location, as `databricks auth describe` reports), and who the credential
/// belongs to, checked live within 5 s.
enum DescribeProfile: RPCMethod {
  static let name = "describeProfile"
  static let checkSeconds = 5.0

  struct Params: Decodable, Sendable {
    var profile: String?
  }

  struct Result: Encodable, Sendable {
    @ExplicitNull var profile: String?
    var host: String
    var level: String
    var authType: String
    var source: String
    var tokenStorage: Storage
    /// Every key of the profile with where it came from; secrets are masked.
    var configuration: [String: Setting]
    /// Whether `getToken` would ask for a sign-in, known from the files alone (``LoginRequirement``), and its reason.
    var loginRequired: Bool
    var loginRequiredReason: String?
    var user: User?
    var valid: Bool
    var error: JSONValue?
    /// For a PAT whose id and expiry brickauth recorded when it minted it: when it expires, and whether that is
    /// within 7 days (or past).
    var expiresAt: String?
    var expiringSoon: Bool?
  }

  /// The storage that holds this profile's tokens now: with a default `secure` and no reachable keyring, the file
  /// (`plaintext`), and `fallbackReason` says why, as the CLI reads the file in that case.
  struct Storage: Encodable, Sendable {
    var mode: String
    var source: String
    var location: String
    var fallbackReason: String?
  }

  /// Where a machine profile's tokens are: nowhere on disk. They are minted anew when they expire.
  static let machineTokenLocation = "brickauth's memory only (machine tokens are minted again, never stored)"

  struct Setting: Encodable, Sendable {
    var value: String
    var source: String
  }

  /// Keys whose values are credentials (the SDKs' `sensitive` attributes): shown masked.
  static let sensitiveKeys: Set<String> = [
    "token", "password", "client_secret", "azure_client_secret", "google_credentials", "metadata_service_url",
  ]

  struct User: Encodable, Sendable {
    var userName: String
    var id: String
  }

  static func configuration(of profile: Profile) -> [String: Setting] {
    let variables = Dictionary(uniqueKeysWithValues: ProfileResolver.environmentKeys.map { ($0.key, $0.variable) })
    var settings: [String: Setting] = [:]
    for (key, value) in profile.attributes {
      let source =
        switch profile.source {
        case .config(let path, _): "\(path) config file"
        case .environment: "\(variables[key] ?? key) environment variable"
        }
      settings[key] = Setting(value: sensitiveKeys.contains(key) ? "********" : value, source: source)
    }
    return settings
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    let services = call.services
    let config = try await services.config.current()
    let profile = try services.resolver.resolve(params.profile, in: config, path: services.config.path)
    let tokens = services.tokens
    let configured = try tokens.storage(settings: config?.settings ?? [:])
    var storage = configured
    var fallbackReason: String?
    let plan = await tokens.readingPlan(configured)
    if case .file = plan, configured.mode == .secure {
      storage.mode = .plaintext
      if case .unreachable(let reason) = await tokens.probeForReading() {
        fallbackReason = "the OS keyring is not reachable (\(reason)), so tokens are read from the file"
      }
    }
    var result = Result(
      profile: profile.name,
      host: profile.host?.url ?? "",
      level: profile.level.rawValue,
      authType: profile.authType,
      source: profile.source == .environment ? "environment" : "config",
      tokenStorage: Storage(
        mode: storage.mode.rawValue,
        source: storage.source.rawValue,
        location: storage.location(tokenCachePath: tokens.file.path),
        fallbackReason: fallbackReason
      ),
      configuration: configuration(of: profile),
      loginRequired: false,
      valid: false
    )
    if [.m2m, .federation].contains(profile.credentialKind) {
      result.tokenStorage = Storage(mode: "memory", source: "default", location: machineTokenLocation)
    }
    // From the files, before the live check (whose refresh would replace the token looked at). A store that cannot
    // be read leaves a missing token unknown.
    var token: OAuthTokenStore.Entry?
    var missingTokenReason: String?
    if profile.credentialKind == .oauth, let found = try? await tokens.lookup(profile, plan: plan) {
      token = found.entry
      missingTokenReason = await tokens.missingTokenReason(plan: plan)
    }
    result.loginRequiredReason = LoginRequirement.reason(
      for: profile,
      token: token,
      missingTokenReason: missingTokenReason,
      now: services.now()
    )
    result.loginRequired = result.loginRequiredReason != nil
    if profile.credentialKind == .pat, let record = MintedTokenRecord.matching(profile.attributes) {
      result.expiresAt = record.expiresAt.map(RFC3339.utcString)
      result.expiringSoon = record.expiresSoon(now: services.now())
    }
    do {
      let user = try await withDeadline(seconds: checkSeconds, what: "Checking the profile") {
        try await services.credentials.workspace(for: params.profile).currentUser()
      }
      result.user = User(userName: user.userName, id: user.id)
      result.valid = true
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      result.error = RPCError(error).jsonValue
    }
    return result
  }
}
