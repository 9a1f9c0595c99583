/// How a ``DatabricksSandbox`` starts.
package struct SandboxConfiguration: Sendable {
  package var workspaceID: Int64 = 1_234_567_890_123_456
  /// Tokens one principal may hold before `token/create` answers `QUOTA_EXCEEDED` (bootstrap tokens count).
  package var tokenQuotaPerUser = 600
  /// Initial workspace settings, e.g. `["maxTokenLifetimeDays": "90"]`, validated like a PATCH.
  package var workspaceConf: [String: String] = [:]
  /// The account whose authorization server is served under `/oidc/accounts/<id>/`.
  package var accountID = SandboxSeed.accountID
  /// The loopback ports `databricks-cli` may redirect to; `nil` allows every port (see ``OAuthApp``).
  package var redirectPorts: ClosedRange<UInt16>?
  /// Whether presenting an already rotated refresh token also revokes the live one descended from the same login,
  /// as issue threads report of real workspaces (not confirmed for `databricks-cli`). Off by default: the
  /// rotated token is refused either way.
  package var refreshTokenReuseRevokesFamily = false
  /// Whether the host is a unified host: its host metadata (`/.well-known/databricks-config`) points OAuth at the
  /// account's authorization server, which a client given the account id then uses for login and refresh alike.
  package var unifiedHost = false

  package init() {}
}
