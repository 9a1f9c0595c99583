import Databricks
import Foundation
import JSON

/// The profile's bearer token for an editor or agent to use itself: the OAuth access token (refreshed first when it
/// expires within 5 minutes, once for all concurrent callers) or the PAT. Never opens a browser: without a usable
/// credential it answers `auth_required`, and the caller decides whether to `login`.
enum GetToken: RPCMethod {
  static let name = "getToken"

  struct Params: Decodable, Sendable {
    var profile: String?
    var forceRefresh: Bool?
  }

  struct Result: Encodable, Sendable {
    var accessToken: String
    var tokenType = "Bearer"
    @ExplicitNull var expiresAt: String?
    @ExplicitNull var profile: String?
    var host: String
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.requireProfileName(params.profile)
    try problems.check()
    let credential = try await call.services.credentials.credential(
      for: params.profile,
      forceRefresh: params.forceRefresh ?? false
    )
    return Result(
      accessToken: credential.bearer,
      expiresAt: credential.expiresAt.map(RFC3339.utcString),
      profile: credential.profile.name,
      host: credential.host.url
    )
  }
}
