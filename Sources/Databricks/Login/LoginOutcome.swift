package import Foundation

/// What a finished login established.
package struct LoginOutcome: Sendable, Equatable {
  package var profile: String
  package var host: String
  package var level: Profile.Level
  package var authType: String
  package var userName: String?
  /// When the new OAuth access token expires; `nil` for a PAT.
  package var expiresAt: Date?

  package init(
    profile: String,
    host: String,
    level: Profile.Level,
    authType: String,
    userName: String?,
    expiresAt: Date?
  ) {
    self.profile = profile
    self.host = host
    self.level = level
    self.authType = authType
    self.userName = userName
    self.expiresAt = expiresAt
  }
}
