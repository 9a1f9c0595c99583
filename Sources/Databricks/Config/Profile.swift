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
  /// The SDK auth type name: `auth_type` when set, otherwise derived in the SDKs' default order (``DefaultAuthOrder``).
  package var authType: String
  package var credentialKind: CredentialKind

  /// - Parameter environment: the process environment, which the SDKs' federation strategies read directly (an OIDC
  ///   token variable, GitHub Actions' ID token request) when choosing an auth type (``DefaultAuthOrder``).
  package init(name: String?, source: Source, attributes: [String: String], environment: [String: String] = [:]) {
    self.name = name
    self.source = source
    self.attributes = attributes
    host = attributes["host"].flatMap { DatabricksHost($0) }
    accountId = attributes["account_id"].nonEmpty ?? host?.accountIdFromQuery
    workspaceId = attributes["workspace_id"].nonEmpty ?? host?.workspaceIdFromQuery
    level = host?.isAccountsHost == true ? .account : .workspace
    (authType, credentialKind) = DefaultAuthOrder.authType(attributes, hasHost: host != nil, environment: environment)
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
