/// The environment a helper program gets: the one it is given, minus every variable that carries a credential.
///
/// brickauth is often started with a token or a client secret in its environment (CI jobs, wrappers around the
/// Databricks CLI). The programs it starts need none of them: the keyring tools read secrets from stdin, and the
/// browser (or whatever `BROWSER` names, which is arbitrary code) must never see them. Every spawn goes through
/// ``withoutSecrets(_:)``, so no caller can forget it.
enum ChildEnvironment {
  /// Credentials the Databricks SDKs and CI identity providers read from the environment.
  static let secretVariables: Set<String> = [
    "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_PASSWORD", "DATABRICKS_OIDC_TOKEN",
    "DATABRICKS_METADATA_SERVICE_URL", "ARM_CLIENT_SECRET", "GOOGLE_CREDENTIALS", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_RUNTIME_TOKEN", "SYSTEM_ACCESSTOKEN",
  ]

  /// `environment` without ``secretVariables``, without any `DATABRICKS_…` name ending in `_TOKEN`, `_SECRET` or
  /// `_PASSWORD`, and without the variable `DATABRICKS_OIDC_TOKEN_ENV` names (it holds an OIDC token).
  static func withoutSecrets(_ environment: [String: String]) -> [String: String] {
    let indirect = environment["DATABRICKS_OIDC_TOKEN_ENV"]
    return environment.filter { name, _ in
      !secretVariables.contains(name) && name != indirect
        && !(name.hasPrefix("DATABRICKS_") && ["_TOKEN", "_SECRET", "_PASSWORD"].contains { name.hasSuffix($0) })
    }
  }
}
