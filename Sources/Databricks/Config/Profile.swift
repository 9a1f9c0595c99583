/// A profile as the service uses it: where it came from, its normalised host, its level and what kind of
/// credential it carries. Built from a config section or from `DATABRICKS_*` environment variables.
package struct Profile: Sendable, Equatable {
  package enum Source: Sendable, Equatable {
    /// A section of the config file; `line` is its header's 1-based line (0 for keys before any header).
    case config(path: String, line: Int)
    /// `DATABRICKS_HOST` and friends, used when no profile is named (as the SDKs do).
    case environment
  }

  package enum Level: String, Sendable, Equatable {
    case workspace
    case account
  }

  /// The shape of the credential, which decides how a bearer token is obtained.
  package enum CredentialKind: String, Sendable, Equatable {
    /// A personal access token in the profile (`token`).
    case pat
    /// OAuth user-to-machine: tokens from `login`, kept in the CLI's token storage.
    case oauth
    /// OAuth machine-to-machine (`client_id` + `client_secret`).
    case m2m
    /// Workload identity federation: a CI system's or identity provider's JWT exchanged for a token (`env-oidc`,
    /// `file-oidc`, `github-oidc`).
    case federation
    /// Another SDK auth type (basic, Azure, Google, metadata service) that brickauth does not mint itself.
    case other
    /// Nothing usable: no host.
    case none
  }

  /// The section name; `nil` for the environment profile.
  package var name: String?
  package var source: Source
  /// The raw attributes (config keys, or the keys the environment variables stand for). May hold secrets.
  package var attributes: [String: String]
  package var host: DatabricksHost?
  package var accountId: String?
  package var workspaceId: String?
  package var level: Level
  /// The SDK auth type name: `auth_type` when set, otherwise derived in the SDKs' default order.
  package var authType: String
  package var credentialKind: CredentialKind

  package init(name: String?, source: Source, attributes: [String: String]) {
    self.name = name
    self.source = source
    self.attributes = attributes
    host = attributes["host"].flatMap { DatabricksHost($0) }
    accountId = attributes["account_id"].nonEmpty ?? host?.accountIdFromQuery
    workspaceId = attributes["workspace_id"].nonEmpty ?? host?.workspaceIdFromQuery
    level = host?.isAccountsHost == true ? .account : .workspace
    (authType, credentialKind) = Self.authType(attributes, hasHost: host != nil)
  }

  /// The auth types brickauth mints tokens for; any other is named to the user together with this list.
  package static let servedAuthTypes = [
    "pat", "databricks-cli", "external-browser", "u2m", "oauth-m2m", "env-oidc", "file-oidc", "github-oidc",
  ]

  /// The file holding a federation JWT: `oidc_token_filepath` as the Python SDK names the key, or
  /// `databricks_id_token_filepath` as the Go SDK and the CLI do (both read `DATABRICKS_OIDC_TOKEN_FILEPATH`).
  package var oidcTokenFilePath: String? {
    attributes["oidc_token_filepath"].nonEmpty ?? attributes["databricks_id_token_filepath"].nonEmpty
  }

  /// The SDKs' default credential order (pat, basic, oauth-m2m, databricks-cli, …) applied to the keys present.
  /// A host with nothing else is `databricks-cli`: OAuth through the CLI's token storage, which `login` fills.
  private static func authType(_ attributes: [String: String], hasHost: Bool) -> (String, CredentialKind) {
    func has(_ key: String) -> Bool { attributes[key].nonEmpty != nil }
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
    if has("azure_client_secret") { return ("azure-client-secret", .other) }
    if has("azure_use_msi") { return ("azure-msi", .other) }
    if has("google_credentials") { return ("google-credentials", .other) }
    if has("google_service_account") { return ("google-id", .other) }
    if has("metadata_service_url") { return ("metadata-service", .other) }
    if has("databricks_id_token_filepath") || has("oidc_token_filepath") { return ("file-oidc", .federation) }
    if has("oidc_token_env") { return ("env-oidc", .federation) }
    return ("databricks-cli", .oauth)
  }
}

extension Optional<String> {
  /// The string unless it is missing or empty: an empty config value means "not set" to the SDKs.
  var nonEmpty: String? {
    switch self {
    case let value? where !value.isEmpty: value
    default: nil
    }
  }
}
