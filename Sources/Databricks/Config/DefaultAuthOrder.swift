/// Which SDK auth type a profile with no `auth_type` gets: the official SDKs' default credential order (Python's
/// `DefaultCredentials`, Go's `DefaultCredentials` chain), applied to the keys present and to the environment the
/// federation strategies read directly.
///
/// The order: an explicit `auth_type` wins; then `pat` (`token`), `basic` (`username` + `password`), `oauth-m2m`
/// (`client_id` + `client_secret`); then, with a host, `metadata-service`; then the federation strategies in the
/// Python SDK's order: `env-oidc` when the variable `oidc_token_env` names (else `DATABRICKS_OIDC_TOKEN`) is set,
/// `file-oidc` when a token file path is configured, `github-oidc` when there is a `client_id` and the job has
/// GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; then the Azure and Google
/// types; and last `databricks-cli`, OAuth through the CLI's token storage, which `login` fills.
///
/// Two differences from the SDKs, both so the choice is a pure function of the configuration: the SDKs try a
/// strategy (read the file, ask GitHub for a token, and in Go look for a cached CLI token before the federation
/// strategies) and fall through on failure, where brickauth decides from presence and reports a failure of the
/// chosen strategy when a token is asked for. And the Go SDK tries `github-oidc` before `env-oidc` and `file-oidc`;
/// the two orders differ only when a job offers more than one JWT source at once.
package enum DefaultAuthOrder {
  /// The auth type name and credential kind of a profile with `attributes`, run in a process with `environment`.
  package static func authType(
    _ attributes: [String: String],
    hasHost: Bool,
    environment: [String: String]
  ) -> (String, Profile.CredentialKind) {
    func has(_ key: String) -> Bool { attributes[key].nonEmpty != nil }
    func set(_ variable: String) -> Bool { environment[variable].nonEmpty != nil }
    if let explicit = attributes["auth_type"].nonEmpty {
      switch explicit {
      case "pat": return (explicit, .pat)
      case "databricks-cli", "external-browser", "u2m": return (explicit, .oauth)
      case "oauth-m2m": return (explicit, .m2m)
      case "env-oidc", "file-oidc", "github-oidc": return (explicit, .federation)
      default: return (explicit, .other)
      }
    }
    if has("token") { return ("pat", .pat) }
    if has("username") && has("password") { return ("basic", .other) }
    if has("client_id") && has("client_secret") { return ("oauth-m2m", .m2m) }
    guard hasHost else { return ("none", .none) }
    if has("metadata_service_url") { return ("metadata-service", .other) }
    if set(attributes["oidc_token_env"].nonEmpty ?? "DATABRICKS_OIDC_TOKEN") { return ("env-oidc", .federation) }
    if has("oidc_token_filepath") || has("databricks_id_token_filepath") { return ("file-oidc", .federation) }
    if has("client_id") && set("ACTIONS_ID_TOKEN_REQUEST_URL") && set("ACTIONS_ID_TOKEN_REQUEST_TOKEN") {
      return ("github-oidc", .federation)
    }
    if has("azure_client_secret") { return ("azure-client-secret", .other) }
    if has("azure_use_msi") { return ("azure-msi", .other) }
    if has("google_credentials") { return ("google-credentials", .other) }
    if has("google_service_account") { return ("google-id", .other) }
    return ("databricks-cli", .oauth)
  }
}
