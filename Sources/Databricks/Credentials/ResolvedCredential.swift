package import Foundation

/// A resolved profile with a bearer credential ready to send.
package struct Session: Sendable {
  package var profile: Profile
  /// The PAT or OAuth access token. Never logged, never put in an error.
  package var bearer: String
  package var host: DatabricksHost
  /// When the bearer expires; `nil` for a PAT (or an OAuth token without expiry).
  package var expiresAt: Date? = nil

  /// The workspace endpoints for this session.
  package func workspace(_ client: RESTClient) -> WorkspaceAPI {
    WorkspaceAPI(client: client, host: host, bearer: bearer)
  }
}
