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

  /// The longest `expires_in` taken as it is: golang.org/x/oauth2 keeps it in an `int32` and clamps it there too.
  package static let maximumExpiresInSeconds = Double(Int32.max)

  /// Decodes a token endpoint answer (`access_token`, `token_type`, `refresh_token`, `expires_in`), with the
  /// expiry counted from `now`; `nil` without an access token, or with an `expires_in` that is not a number (or a
  /// string of one).
  ///
  /// `expires_in` is the server's number, so it is clamped: to ``maximumExpiresInSeconds``, and to no less than
  /// `now` (a negative lifetime has already run out).
  package init?(tokenResponse json: JSONValue, now: Date) {
    guard let accessToken = json["access_token"]?.stringValue, !accessToken.isEmpty else { return nil }
    self.accessToken = accessToken
    tokenType = json["token_type"]?.stringValue ?? "Bearer"
    refreshToken = json["refresh_token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    let seconds: Double?
    switch json["expires_in"] {
    case nil, .null?: seconds = nil
    case .int(let number)?: seconds = Double(number)
    case .double(let number)?: seconds = number
    case .string(let text)?:
      guard let number = Double(text), !number.isNaN else { return nil }
      seconds = number
    default: return nil
    }
    expiry = seconds.map { now.addingTimeInterval(min(max(0, $0), Self.maximumExpiresInSeconds)) }
  }

  /// The CLI's refresh margin: a token that expires within 5 minutes is refreshed before use.
  package static let refreshMarginSeconds: TimeInterval = 300

  /// Whether the token must be refreshed before use: it expires within `margin` (the CLI's 5 minutes).
  package func needsRefresh(now: Date, margin: TimeInterval = refreshMarginSeconds) -> Bool {
    expiry.map { $0.timeIntervalSince(now) <= margin } ?? false
  }
}
