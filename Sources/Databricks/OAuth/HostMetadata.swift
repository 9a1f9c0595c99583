package import JSON

/// What a host says about itself at `/.well-known/databricks-config` (Go SDK `config/host_metadata.go`); brickauth
/// reads only where its OAuth lives.
///
/// A workspace host's `oidc_endpoint` is `<host>/oidc`; a unified host's is the account's,
/// `<host>/oidc/accounts/{account_id}`. That is how the CLI tells them apart when it is given an account id
/// (`libs/auth/arguments.go`): account-scoped OAuth only where the host says so, since the CLI writes `account_id`
/// into plain workspace profiles too.
package struct HostMetadata: Sendable, Equatable {
  package var oidcEndpoint: String?

  package init(_ document: JSONValue?) {
    oidcEndpoint = document?["oidc_endpoint"]?.stringValue
  }

  /// Whether OAuth for this host is the account's (a unified host).
  package var isAccountScoped: Bool {
    oidcEndpoint?.contains("/oidc/accounts/") == true
  }
}
