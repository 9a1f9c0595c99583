package import Foundation
package import JSON

/// A personal access token's public description, from the Token API (`PublicTokenInfo`) or Token Management
/// (`TokenInfo`), which adds who created and owns it.
package struct TokenInfo: Sendable, Equatable {
  package var tokenId: String
  package var comment: String
  package var createdAt: Date?
  /// `nil`: never expires (`expiry_time` is -1).
  package var expiresAt: Date?
  package var createdById: String?
  package var createdByUsername: String?
  package var ownerId: String?
  /// Day of last use (epoch milliseconds of that day upstream).
  package var lastUsedDay: Date?

  package init(
    tokenId: String,
    comment: String = "",
    createdAt: Date? = nil,
    expiresAt: Date? = nil,
    createdById: String? = nil,
    createdByUsername: String? = nil,
    ownerId: String? = nil,
    lastUsedDay: Date? = nil
  ) {
    self.tokenId = tokenId
    self.comment = comment
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.createdById = createdById
    self.createdByUsername = createdByUsername
    self.ownerId = ownerId
    self.lastUsedDay = lastUsedDay
  }

  /// Decodes one wire object; `nil` when it has no `token_id`. Unset fields are simply absent (proto3 JSON), and
  /// int64 fields may arrive as numbers or as decimal strings.
  package init?(json: JSONValue) {
    guard let tokenId = json["token_id"]?.stringValue else { return nil }
    self.tokenId = tokenId
    comment = json["comment"]?.stringValue ?? ""
    createdAt = Self.milliseconds(json["creation_time"]).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    expiresAt = Self.milliseconds(json["expiry_time"]).flatMap {
      $0 < 0 ? nil : Date(timeIntervalSince1970: Double($0) / 1000)
    }
    createdById = Self.milliseconds(json["created_by_id"]).map(String.init)
    createdByUsername = json["created_by_username"]?.stringValue
    ownerId = Self.milliseconds(json["owner_id"]).map(String.init)
    lastUsedDay = Self.milliseconds(json["last_used_day"]).flatMap {
      $0 <= 0 ? nil : Date(timeIntervalSince1970: Double($0) / 1000)
    }
  }

  /// An int64 field as Databricks sends it: a JSON number, or a string of digits (proto3 JSON).
  static func milliseconds(_ value: JSONValue?) -> Int64? {
    switch value {
    case .int(let number)?: number
    case .double(let number)?: Int64(exactly: number)
    case .string(let text)?: Int64(text)
    default: nil
    }
  }
}

/// A token just created: its secret value (shown once) and its description.
package struct CreatedToken: Sendable, Equatable {
  package var value: String
  package var info: TokenInfo
}

/// The caller, from SCIM `Me`.
package struct CurrentUser: Sendable, Equatable {
  package var id: String
  package var userName: String
  package var displayName: String?
}
