import Databricks
import Foundation
import JSON

/// A token as `listTokens` and `createToken` report it: times in RFC 3339 UTC, `expiresAt: null` for never.
struct TokenSummary: Encodable, Sendable {
  var tokenId: String
  var comment: String
  @ExplicitNull var createdAt: String?
  @ExplicitNull var expiresAt: String?
  var createdById: String?
  var createdByUsername: String?
  var ownerId: String?
  /// `YYYY-MM-DD`.
  var lastUsedDay: String?

  init(_ info: TokenInfo) {
    tokenId = info.tokenId
    comment = info.comment
    createdAt = info.createdAt.map(RFC3339.utcString)
    expiresAt = info.expiresAt.map(RFC3339.utcString)
    createdById = info.createdById
    createdByUsername = info.createdByUsername
    ownerId = info.ownerId
    lastUsedDay = info.lastUsedDay.map { String(RFC3339.utcString($0).prefix(10)) }
  }
}

/// Whose tokens a method works on: the caller's own (Token API) or every user's (Token Management, admins only).
enum TokenScope: String, Decodable, Sendable {
  case own
  case workspace
}
