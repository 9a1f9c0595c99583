/// Why a profile has no credential brickauth can send.
package enum CredentialError: Error, Equatable, Sendable {
  /// OAuth with no cached token, or an expired one: the user must `login`.
  case loginRequired(profile: String?, reason: String)
  /// An auth type brickauth does not mint itself (Azure, Google, basic, metadata service).
  case unsupportedAuthType(profile: String?, authType: String)
  /// A federated profile's subject JWT cannot be had (`reason` names the variable or file, never a token).
  case subjectTokenUnavailable(profile: String?, reason: String)
  /// The token cache file exists but cannot be used.
  case tokenCacheUnusable(path: String, reason: String)

  /// The reason of ``loginRequired(profile:reason:)`` for a personal access token the caller says Databricks refused
  /// (`rejectedToken`): brickauth cannot mint another one without the user.
  package static let refusedTokenReason =
    "Databricks refused its personal access token, which only a new login replaces"
}
