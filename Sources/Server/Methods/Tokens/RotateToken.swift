import Databricks
import Foundation
import JSON

/// Replaces a PAT profile's token with a new one and revokes the old one when its id is known for certain
/// (`revokeTokenId`, or the id brickauth recorded when it minted the profile's current token). The new token is
/// checked (SCIM `Me`) and saved before anything is revoked, and a failure before the save leaves the config as it
/// was and revokes the new token (``ProfileTokenMinting``). The new token's value is in the profile and nowhere else:
/// the result names its id.
enum RotateToken: RPCMethod {
  static let name = "rotateToken"
  /// A lifetime past 100 years is no lifetime a token gets: refused before it is sent.
  static let maximumLifetimeSeconds: Int64 = 100 * 365 * 86_400

  struct Params: Decodable, Sendable {
    var profile: String?
    var lifetimeSeconds: Int64?
    var comment: String?
    var revokeTokenId: String?
  }

  struct Result: Encodable, Sendable {
    var profile: String
    var tokenId: String
    @ExplicitNull var expiresAt: String?
    var oldTokenId: String?
    var oldTokenRevoked: Bool
    var reason: String?
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.require(
      params.lifetimeSeconds.map { (1...maximumLifetimeSeconds).contains($0) } ?? true,
      "/lifetimeSeconds",
      "must be from 1 to \(maximumLifetimeSeconds) seconds"
    )
    problems.require(params.revokeTokenId.map { !$0.isEmpty } ?? true, "/revokeTokenId", "must not be empty")
    problems.requireProfileName(params.profile)
    try problems.check()
    let rotated = try await call.services.tokenMinting.rotate(
      .init(
        profile: params.profile,
        lifetimeSeconds: params.lifetimeSeconds,
        comment: params.comment,
        revokeTokenId: params.revokeTokenId
      )
    )
    return Result(
      profile: rotated.profile,
      tokenId: rotated.token.tokenId,
      expiresAt: rotated.token.expiresAt.map(RFC3339.utcString),
      oldTokenId: rotated.outcome.oldTokenId,
      oldTokenRevoked: rotated.outcome.oldTokenRevoked,
      reason: rotated.outcome.reason
    )
  }
}
