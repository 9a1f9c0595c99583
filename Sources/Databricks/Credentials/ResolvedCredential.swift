package import Foundation

/// A resolved profile with a bearer credential ready to send.
package struct ResolvedCredential: Sendable {
  package var profile: Profile
  /// The PAT or OAuth access token. Never logged, never put in an error.
  package var bearer: String
  package var host: DatabricksHost
  /// When the bearer expires; `nil` for a PAT (or an OAuth token without expiry).
  package var expiresAt: Date? = nil

  /// The workspace endpoints this credential can call (callers outside the domain get them from
  /// ``CredentialManager/workspace(for:)``, which holds the client).
  func workspace(_ client: RESTClient) -> WorkspaceAPI {
    WorkspaceAPI(client: client, host: host, bearer: bearer)
  }
}
