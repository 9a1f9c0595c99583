package import Foundation
package import JSON

/// An OAuth token as the token endpoint answers it and as the CLI caches it.
package struct OAuthToken: Sendable, Equatable {
  package var accessToken: String
  package var tokenType: String
  package var refreshToken: String?
  /// `nil`: the token does not expire.
  package var expiry: Date?

  package init(accessToken: String, tokenType: String = "Bearer", refreshToken: String?, expiry: Date?) {
    self.accessToken = accessToken
    self.tokenType = tokenType
    self.refreshToken = refreshToken
    self.expiry = expiry
  }

  /// Decodes a token endpoint answer (`access_token`, `token_type`, `refresh_token`, `expires_in`), with the
  /// expiry counted from `now`; `nil` without an access token.
  package init?(tokenResponse json: JSONValue, now: Date) {
    guard let accessToken = json["access_token"]?.stringValue, !accessToken.isEmpty else { return nil }
    self.accessToken = accessToken
    tokenType = json["token_type"]?.stringValue ?? "Bearer"
    refreshToken = json["refresh_token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    switch json["expires_in"] {
    case .int(let seconds)?: expiry = now.addingTimeInterval(Double(seconds))
    case .double(let seconds)?: expiry = now.addingTimeInterval(seconds)
    case .string(let text)?: expiry = Double(text).map { now.addingTimeInterval($0) }
    default: expiry = nil
    }
  }

  /// Whether the token must be refreshed before use: it expires within `margin` (the CLI's 5 minutes).
  package func needsRefresh(now: Date, margin: TimeInterval = 300) -> Bool {
    expiry.map { $0.timeIntervalSince(now) <= margin } ?? false
  }
}
