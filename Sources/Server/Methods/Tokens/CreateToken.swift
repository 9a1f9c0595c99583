import Databricks
import Foundation
import JSON

/// Creates a personal access token for the caller, or, with `applicationId`, on behalf of a service principal
/// (Token Management; admins only). The token's value is in the result and nowhere else.
///
/// With `saveAsProfile` the token is also checked (SCIM `Me`) and saved as a new PAT profile on the calling profile's
/// host, with its id recorded (``ProfileTokenMinting``); a failure before the save revokes it again.
enum CreateToken: RPCMethod {
  static let name = "createToken"

  struct Params: Decodable, Sendable {
    var profile: String?
    var comment: String?
    var lifetimeSeconds: Int64?
    var applicationId: String?
    var saveAsProfile: String?
  }

  struct Result: Encodable, Sendable {
    var tokenId: String
    var tokenValue: String
    var comment: String
    @ExplicitNull var createdAt: String?
    @ExplicitNull var expiresAt: String?
    var savedAsProfile: String?
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    // Databricks answers 0 with "requirement failed: Invalid timeout: 0": refuse it here, clearly.
    problems.require(
      params.lifetimeSeconds.map { $0 > 0 } ?? true,
      "/lifetimeSeconds",
      "must be a positive number of seconds"
    )
    problems.require(params.applicationId.map { !$0.isEmpty } ?? true, "/applicationId", "must not be empty")
    problems.requireProfileName(params.profile)
    if let problem = params.saveAsProfile.flatMap(ProfileName.problem) {
      problems.require(false, "/saveAsProfile", problem)
    }
    try problems.check()
    let api = try await call.services.credentials.workspace(for: params.profile)
    let created =
      if let saveAsProfile = params.saveAsProfile {
        try await call.services.tokenMinting.createAndSave(
          profile: params.profile,
          as: saveAsProfile,
          lifetimeSeconds: params.lifetimeSeconds,
          comment: params.comment,
          applicationId: params.applicationId
        )
      } else if let applicationId = params.applicationId {
        try await api.createOnBehalfOf(
          applicationId: applicationId,
          lifetimeSeconds: params.lifetimeSeconds,
          comment: params.comment
        )
      } else {
        try await api.createToken(lifetimeSeconds: params.lifetimeSeconds, comment: params.comment)
      }
    let summary = TokenSummary(created.info)
    return Result(
      tokenId: summary.tokenId,
      tokenValue: created.value,
      comment: summary.comment,
      createdAt: summary.createdAt,
      expiresAt: summary.expiresAt,
      savedAsProfile: params.saveAsProfile
    )
  }
}
