package import Foundation
import JSON

/// A bearer token as `databricks auth token` prints it, for tools that already read that command's output.
///
/// The CLI prints the `oauth2.Token` it holds with `json.MarshalIndent(token, "", "  ")` and no trailing newline,
/// after clearing the refresh token: `access_token`, `token_type` and `expiry`, in that order. `expiry` is written as
/// in the token cache (``TokenCacheFile/expiryText(_:timeZone:)``): local time with its offset, always with a
/// fraction, and Go's zero time `0001-01-01T00:00:00Z` for a token that does not expire (a personal access token),
/// because Go's `omitempty` never leaves out a `time.Time`.
package enum AuthTokenDocument {
  package static func bytes(accessToken: String, expiry: Date?, timeZone: TimeZone = .current) -> [UInt8] {
    TokenCacheLayout.entryBytes([
      "access_token": .string(accessToken),
      "token_type": .string("Bearer"),
      "expiry": .string(TokenCacheFile.expiryText(expiry, timeZone: timeZone)),
    ])
  }
}
