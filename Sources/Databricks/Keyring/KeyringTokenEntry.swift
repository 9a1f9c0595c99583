package import Foundation
import JSON

/// The secret the CLI keeps in the OS keyring for one cache key: `{"token": {...}}`, the CLI's `keyringEntry`
/// around golang.org/x/oauth2's `Token`, as Go's `json.Marshal` writes it.
///
/// Compact, with `oauth2.Token`'s field order (`access_token`, `token_type`, `refresh_token`, `expiry`; the empty
/// ones left out as `omitempty` does, `expiry` always, Go's zero time for none), Go's escaping, and the expiry in
/// local time with an offset and a fraction, as in the file (``TokenCacheFile/expiryText(_:timeZone:)``).
package enum KeyringTokenEntry {
  /// The CLI's keyring service.
  package static let service = "databricks-cli"

  package static func secret(_ entry: TokenCacheFile.Entry, timeZone: TimeZone = .current) -> String {
    var output = Array(#"{"token":{"access_token":"#.utf8)
    JSONWriter.writeString(entry.accessToken, into: &output)
    if let type = entry.tokenType, !type.isEmpty {
      output.append(contentsOf: #","token_type":"#.utf8)
      JSONWriter.writeString(type, into: &output)
    }
    if let refresh = entry.refreshToken, !refresh.isEmpty {
      output.append(contentsOf: #","refresh_token":"#.utf8)
      JSONWriter.writeString(refresh, into: &output)
    }
    output.append(contentsOf: #","expiry":"#.utf8)
    JSONWriter.writeString(TokenCacheFile.expiryText(entry.expiry, timeZone: timeZone), into: &output)
    output.append(contentsOf: "}}".utf8)
    return String(decoding: TokenCacheLayout.escapeHTML(output), as: UTF8.self)
  }

  /// The token in a keyring secret; `nil` when it is not the CLI's envelope (the user logs in again, as with an
  /// entry of the file that cannot be decoded).
  package static func entry(fromSecret secret: String) -> TokenCacheFile.Entry? {
    guard case .object(let envelope)? = try? JSONParser.parse(Array(secret.utf8)[...]),
      let token = envelope["token"]
    else { return nil }
    return TokenCacheFile.Entry(oauth2Token: token)
  }
}
