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

  /// The variables, other than the secrets themselves, that make a Databricks SDK choose a credential: the Python
  /// SDK's `Config` attributes that carry an `auth` kind (`DATABRICKS_CLIENT_ID`, `DATABRICKS_USERNAME`,
  /// `DATABRICKS_OIDC_TOKEN_ENV`, `DATABRICKS_OIDC_TOKEN_FILE`, `DATABRICKS_GOOGLE_SERVICE_ACCOUNT`,
  /// `DATABRICKS_AZURE_RESOURCE_ID`, `ARM_USE_MSI`, `ARM_CLIENT_ID`, `ARM_TENANT_ID`), the explicit choice
  /// `DATABRICKS_AUTH_TYPE`, and `DATABRICKS_CONFIG_PROFILE`, which names a profile whose credential the SDK would
  /// load from the config file.
  ///
  /// `DATABRICKS_CONFIG_FILE` is not among them: once `DATABRICKS_HOST` is set and no profile is named, the SDKs do
  /// not read the config file for a credential, and a tool in the command may still use the file for other profiles.
  static let credentialChoices: Set<String> = [
    "DATABRICKS_CLIENT_ID", "DATABRICKS_USERNAME", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_OIDC_TOKEN_ENV", "DATABRICKS_OIDC_TOKEN_FILE", "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
    "DATABRICKS_AZURE_RESOURCE_ID", "ARM_USE_MSI", "ARM_CLIENT_ID", "ARM_TENANT_ID",
  ]

  /// `environment` with no credential and nothing that chooses one (``credentialChoices``), for a command that is to
  /// use only the credential brickauth hands it.
  static func withoutCredentialChoices(_ environment: [String: String]) -> [String: String] {
    withoutSecrets(environment).filter { name, _ in !credentialChoices.contains(name) }
  }
}
