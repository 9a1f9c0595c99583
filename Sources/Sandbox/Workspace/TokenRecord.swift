package import JSON

/// One personal access token as the workspace stores it, secret included.
package struct TokenRecord: Sendable, Equatable {
  /// 64 hex digits, like real token ids.
  package var id: String
  /// The secret: `dapi` and 32 hex digits.
  package var value: String
  package var comment: String
  /// Whose token it is: the caller, or the service principal of an on-behalf-of token.
  package var ownerID: Int64
  package var createdByID: Int64
  package var createdByUserName: String
  /// Epoch milliseconds.
  package var creationTime: Int64
  /// Epoch milliseconds, or -1 when the token never expires.
  package var expiryTime: Int64
  /// Epoch milliseconds of the start of the UTC day the token last authenticated a call.
  package var lastUsedDay: Int64?

  package func isExpired(atMilliseconds now: Int64) -> Bool {
    expiryTime >= 0 && now >= expiryTime
  }

  /// `PublicTokenInfo` of the Token API. Like every proto3 JSON answer it leaves out empty fields (an empty
  /// comment) rather than sending `""`.
  package var publicInfo: JSONValue {
    var fields: [String: JSONValue] = [
      "token_id": .string(id),
      "creation_time": .int(creationTime),
      "expiry_time": .int(expiryTime),
    ]
    if !comment.isEmpty { fields["comment"] = .string(comment) }
    return .object(fields)
  }

  /// `TokenInfo` of the Token Management API: the public fields plus who created and owns the token.
  package func managementInfo(workspaceID: Int64) -> JSONValue {
    var fields = publicInfo.objectValue ?? [:]
    fields["created_by_id"] = .int(createdByID)
    fields["created_by_username"] = .string(createdByUserName)
    fields["owner_id"] = .int(ownerID)
    fields["workspace_id"] = .int(workspaceID)
    if let lastUsedDay { fields["last_used_day"] = .int(lastUsedDay) }
    return .object(fields)
  }
}
