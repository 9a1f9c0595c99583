/// An OAuth application registered with the sandbox; Databricks' published public client for the CLI.
///
/// `databricks-cli` has no secret (PKCE protects its codes) and accepts only loopback redirect URIs without a path:
/// `http://localhost:<port>` or `http://127.0.0.1:<port>`, exactly what the Go SDK sends. Real
/// workspaces may allow fewer ports (a random port was refused, ports 8020-8040 are thought to be allowed); tests
/// run many logins at once and need free ports, so every port is allowed unless `allowedPorts` narrows it.
struct OAuthApp {
  static let databricksCLIClientID = "databricks-cli"

  var clientID: String
  var allowedPorts: ClosedRange<UInt16>?

  /// Whether `uri` is registered: scheme, host and port exactly, nothing else (no trailing `/`, query or fragment).
  func accepts(redirectURI uri: String) -> Bool {
    for prefix in ["http://localhost:", "http://127.0.0.1:"] where uri.hasPrefix(prefix) {
      let digits = uri.dropFirst(prefix.count)
      guard !digits.isEmpty, digits.count <= 5, digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }),
        let port = UInt16(digits), port > 0
      else { return false }
      return allowedPorts?.contains(port) ?? true
    }
    return false
  }

  /// The refusal real workspaces give for an unregistered redirect URI (quoted in databricks-sdk-go#1267).
  func unregisteredRedirectMessage(_ uri: String) -> String {
    "redirect_uri '\(uri)' not registered for OAuth application '\(clientID)'"
  }
}
