import JSON
import LoopbackHTTP

/// `GET /.well-known/databricks-config`: the host metadata every SDK client asks for first (Go SDK
/// `config/host_metadata.go`), unauthenticated as on real hosts.
///
/// `oidc_endpoint` is what tells a client where this host's OAuth lives: `<host>/oidc` for a workspace, and for a
/// unified host (``SandboxConfiguration/unifiedHost``) the account's `<host>/oidc/accounts/{account_id}`, with the
/// placeholder left for the client to fill in, as real hosts send it.
enum HostMetadataRoutes {
  static func metadata(_ state: WorkspaceState, unifiedHost: Bool) -> HTTPResponse {
    let base = state.oauth.baseURL
    return .json([
      "oidc_endpoint": .string(unifiedHost ? "\(base)/oidc/accounts/{account_id}" : "\(base)/oidc"),
      "account_id": .string(state.oauth.accountID),
      "workspace_id": .string(String(state.workspaceID)),
      "cloud": "AWS",
      "host_type": unifiedHost ? "UNIFIED_HOST" : "WORKSPACE_HOST",
      "token_federation_default_oidc_audiences": unifiedHost
        ? [.string(state.oauth.accountID)] : [.string("\(base)/oidc/v1/token")],
    ])
  }
}
