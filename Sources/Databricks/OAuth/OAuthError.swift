/// Why an OAuth step failed. Cases never carry codes, verifiers or tokens.
package enum OAuthError: Error, Equatable, Sendable {
  /// Discovery answered 404: the host has no OAuth ("databricks OAuth is not supported for this host").
  case notSupported(host: String)
  /// The refresh token was rejected ("Refresh token is invalid"): a new `login` is needed.
  case invalidRefreshToken(profile: String?)
  /// The profile's cached token cannot be refreshed: it has no refresh token.
  case missingRefreshToken(profile: String?)
  /// The authorization server refused the grant during login (bad code, verifier or redirect).
  case grantRejected(error: String, description: String)
  /// The user (or the server) refused consent, or the authorization endpoint redirected with an error.
  case authorizationFailed(error: String, description: String)
  /// The callback's `state` was not the one this flow sent: the redirect is not ours.
  case stateMismatch
  /// The token endpoint refused a machine's proof of identity (`what`: its client secret, or its OIDC token): the
  /// profile's secret or federation setup must be fixed.
  case machineGrantRejected(profile: String?, what: String, error: String, description: String)
  /// The token endpoint answered 2xx without a usable token.
  case malformedTokenResponse(host: String)
}
