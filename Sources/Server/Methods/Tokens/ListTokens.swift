import Databricks
import Foundation
import JSON
import JSONRPC

/// Lists the caller's tokens, or with `scope: "workspace"` every token of the workspace (admins), in pages.
///
/// The first call fetches the whole list (Databricks does not page it) and keeps it as a snapshot; `nextCursor`
/// pages through that snapshot, so a workspace with 50,000 tokens never produces one giant output line and pages
/// stay consistent while tokens change.
enum ListTokens: RPCMethod {
  static let name = "listTokens"
  static let defaultLimit = 1000
  static let maximumLimit = 10_000

  struct Params: Decodable, Sendable {
    var profile: String?
    var scope: TokenScope?
    var createdById: String?
    var createdByUsername: String?
    var cursor: String?
    var limit: Int?
  }

  struct Result: Encodable, Sendable {
    var tokens: [TokenSummary]
    @ExplicitNull var nextCursor: String?
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    let scope = params.scope ?? .own
    let limit = params.limit ?? defaultLimit
    var problems = ParamProblems()
    problems.require((1...maximumLimit).contains(limit), "/limit", "must be between 1 and \(maximumLimit)")
    problems.require(
      scope == .workspace || params.createdById == nil,
      "/createdById",
      "filters need scope \"workspace\" (token management)"
    )
    problems.require(
      scope == .workspace || params.createdByUsername == nil,
      "/createdByUsername",
      "filters need scope \"workspace\" (token management)"
    )
    problems.requireProfileName(params.profile)
    try problems.check()
    // A cursor only continues the listing it came from: same profile, scope and filters.
    let query = [params.profile ?? "", scope.rawValue, params.createdById ?? "", params.createdByUsername ?? ""]
      .joined(separator: "\u{0}")
    let pages = call.services.tokenPages
    if let cursor = params.cursor {
      guard let resumed = await pages.resume(cursor, query: query) else {
        throw RPCError.invalidParams([
          (path: "/cursor", message: "is unknown, expired, or from another listing: list again without cursor")
        ])
      }
      let end = min(resumed.tokens.count, resumed.offset + limit)
      let page = resumed.offset < end ? Array(resumed.tokens[resumed.offset..<end]) : []
      return Result(tokens: page.map(TokenSummary.init), nextCursor: await pages.cursor(after: end, in: resumed.id))
    }
    let api = try await call.services.credentials.workspace(for: params.profile)
    let tokens =
      switch scope {
      case .own: try await api.listOwnTokens()
      case .workspace:
        try await api.listWorkspaceTokens(createdById: params.createdById, createdByUsername: params.createdByUsername)
      }
    let end = min(tokens.count, limit)
    let next = end < tokens.count ? await pages.store(tokens, query: query, nextOffset: end) : nil
    return Result(tokens: tokens[..<end].map(TokenSummary.init), nextCursor: next)
  }
}
