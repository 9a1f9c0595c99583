import Databricks
import Foundation
import JSON

/// The profile's bearer token for an editor or agent to use itself: the OAuth access token (refreshed first when it
/// expires within 5 minutes, once for all concurrent callers) or the PAT. Never opens a browser: without a usable
/// credential it answers `auth_required`, and the caller decides whether to `login`.
///
/// A caller whose token Databricks refused says which one with `rejectedToken`: it is replaced only while it is still
/// the one held, so many callers reporting the same token cause one refresh, and a token already replaced causes none.
/// `forceRefresh` refreshes whatever is held: the blunt tool, which a stampede of retries turns into a stampede of
/// refreshes.
enum GetToken: RPCMethod {
  static let name = "getToken"

  struct Params: Decodable, Sendable {
    var profile: String?
    var forceRefresh: Bool?
    var rejectedToken: String?
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
    if let rejected = params.rejectedToken {
      problems.require(!rejected.isEmpty, "/rejectedToken", "must not be empty")
      problems.require(
        rejected.utf8.count <= RejectedTokenDecision.maximumTokenBytes,
        "/rejectedToken",
        "must be at most \(RejectedTokenDecision.maximumTokenBytes) bytes"
      )
      problems.require(params.forceRefresh != true, "/rejectedToken", "cannot be combined with forceRefresh")
    }
    try problems.check()
    let credential = try await call.services.credentials.credential(
      for: params.profile,
      forceRefresh: params.forceRefresh ?? false,
      rejectedToken: params.rejectedToken
    )
    return Result(
      accessToken: credential.bearer,
      expiresAt: credential.expiresAt.map(RFC3339.utcString),
      profile: credential.profile.name,
      host: credential.host.url
    )
  }
}
