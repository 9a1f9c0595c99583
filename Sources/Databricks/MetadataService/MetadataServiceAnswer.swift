package import Foundation
import JSON
package import LoopbackHTTP

/// The token answer of the local token endpoint, in the shape every Databricks SDK reads:
/// `{"access_token", "token_type": "Bearer", "expires_on": <integer Unix seconds>}`.
///
/// `expires_on` is an integer because the Python SDK hands it to `datetime.fromtimestamp`. An OAuth token carries
/// its real expiry; a PAT (or a token without expiry) says 10 minutes from now at most, so SDKs ask again soon and
/// notice a PAT that was removed from the profile.
package enum MetadataServiceAnswer {
  /// How far ahead a token without a known expiry is said to expire.
  package static let undatedLifetimeSeconds: TimeInterval = 600

  package static func token(bearer: String, expiresAt: Date?, now: Date) -> HTTPResponse {
    let expiry = expiresAt ?? now.addingTimeInterval(undatedLifetimeSeconds)
    return json(
      [
        "access_token": .string(bearer),
        "token_type": "Bearer",
        "expires_on": .int(Int64(expiry.timeIntervalSince1970.rounded(.down))),
      ],
      status: 200
    )
  }

  /// A JSON response that no cache keeps.
  static func json(_ members: [String: JSONValue], status: Int) -> HTTPResponse {
    HTTPResponse(
      status: status,
      headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
      body: JSONWriter.bytes(.object(members))
    )
  }
}
