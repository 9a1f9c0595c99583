/// Which authorization server a request under `/oidc/` addresses: the workspace's own, or an account's.
///
/// Each has its endpoints under its own prefix: `/oidc/...` for the workspace and
/// `/oidc/accounts/<account_id>/...` for an account. Codes and refresh tokens remember their issuer, so one issued by
/// the workspace cannot be redeemed at an account's token endpoint or the other way round.
enum OIDCIssuer: Hashable {
  case workspace
  case account(String)

  enum Endpoint: Hashable {
    /// `.well-known/oauth-authorization-server`
    case discovery
    /// `v1/authorize`
    case authorize
    /// `v1/token`
    case token
  }

  /// The issuer and endpoint of a request path, or `nil` for any other path. The account id is not checked here.
  static func parse(path: String) -> (issuer: OIDCIssuer, endpoint: Endpoint)? {
    guard path.hasPrefix("/oidc/") else { return nil }
    var rest = path.dropFirst("/oidc/".count)
    var issuer = OIDCIssuer.workspace
    if rest.hasPrefix("accounts/") {
      rest = rest.dropFirst("accounts/".count)
      guard let slash = rest.firstIndex(of: "/"), slash > rest.startIndex else { return nil }
      issuer = .account(String(rest[..<slash]))
      rest = rest[rest.index(after: slash)...]
    }
    switch rest {
    case ".well-known/oauth-authorization-server": return (issuer, .discovery)
    case "v1/authorize": return (issuer, .authorize)
    case "v1/token": return (issuer, .token)
    default: return nil
    }
  }

  var pathPrefix: String {
    switch self {
    case .workspace: "/oidc"
    case .account(let id): "/oidc/accounts/\(id)"
    }
  }

  /// The `issuer` of discovery: `<base>/oidc` or `<base>/oidc/accounts/<id>`. The Go SDK's discovery login derives
  /// the token endpoint as `issuer + "/v1/token"`, which holds for both.
  func url(base: String) -> String {
    base + pathPrefix
  }
}
