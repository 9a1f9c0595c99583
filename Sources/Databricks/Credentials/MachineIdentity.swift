/// How a machine profile (`oauth-m2m`, `env-oidc`, `file-oidc`, `github-oidc`) proves who it is to the token endpoint,
/// read from the profile and the service's own environment. A pure value: equal identities share a minted token, and
/// an edit of the profile (a rotated secret) makes a different one, whose token is minted anew.
package enum MachineIdentity: Sendable, Equatable {
  /// A service principal's OAuth secret: the `client_credentials` grant.
  case servicePrincipal(clientID: String, clientSecret: String)
  /// Workload identity federation: a JWT from `source` exchanged (RFC 8693), with the service principal's
  /// `client_id`, or without one for an account-wide federation policy. `audience` is the configured one
  /// (`token_audience`, `DATABRICKS_TOKEN_AUDIENCE`, or the Go SDK's `audience` key), if any.
  case federated(clientID: String?, source: SubjectTokenSource, audience: String?)

  /// The identity of `profile`, reading `environment` (the service's process environment, injectable for tests) for
  /// the OIDC token variables and GitHub Actions.
  /// - Throws: ``CredentialError/loginRequired(profile:reason:)`` when the profile lacks what its auth type needs.
  package init(_ profile: Profile, environment: [String: String]) throws(CredentialError) {
    let attributes = profile.attributes
    let clientID = attributes["client_id"].nonEmpty
    func missing(_ what: String) -> CredentialError {
      .loginRequired(profile: profile.name, reason: "\(profile.authType) needs \(what)")
    }
    switch profile.authType {
    case "env-oidc":
      let variable = attributes["oidc_token_env"].nonEmpty ?? "DATABRICKS_OIDC_TOKEN"
      self = .federated(clientID: clientID, source: .environment(variable: variable), audience: Self.audience(profile))
    case "file-oidc":
      guard let path = profile.oidcTokenFilePath else { throw missing("oidc_token_filepath") }
      self = .federated(clientID: clientID, source: .file(path: path), audience: Self.audience(profile))
    case "github-oidc":
      guard let url = environment["ACTIONS_ID_TOKEN_REQUEST_URL"].nonEmpty,
        let token = environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"].nonEmpty
      else {
        throw missing(
          "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (a GitHub Actions job with id-token: write)"
        )
      }
      self = .federated(
        clientID: clientID,
        source: .githubActions(requestURL: url, requestToken: token),
        audience: Self.audience(profile)
      )
    default:
      guard let clientID else { throw missing("client_id") }
      guard let secret = attributes["client_secret"].nonEmpty else { throw missing("client_secret") }
      self = .servicePrincipal(clientID: clientID, clientSecret: secret)
    }
  }

  private static func audience(_ profile: Profile) -> String? {
    profile.attributes["token_audience"].nonEmpty ?? profile.attributes["audience"].nonEmpty
  }

  /// The scopes asked for: the profile's `scopes` (split on commas and spaces, duplicates dropped, sorted, as the
  /// Python SDK parses them), else `all-apis`.
  package static func scopes(_ profile: Profile) -> [String] {
    let listed = (profile.attributes["scopes"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    let unique = Set(listed).sorted()
    return unique.isEmpty ? ["all-apis"] : unique
  }
}
