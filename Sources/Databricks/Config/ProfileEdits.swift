/// The section edits `login` makes, as `databricks auth login` makes them (the CLI's `libs/databrickscfg/ops.go`),
/// on a byte-preserving ``INIDocument``.
///
/// Only the profile's own section changes (plus `[__settings__] default_profile` when the file had no profile
/// before, as `databricks auth login` does). Keys of other auth types are removed, so the SDKs' "more than one
/// authorization method configured" check cannot trip; every other key (cluster ids, unknown custom keys) stays,
/// except brickauth's own record of a token it minted (``MintedTokenRecord``), which no longer describes the profile's
/// credential once a login replaced it.
package enum ProfileEdits {
  /// Every attribute with an auth tag (`AuthCredentialKeys`, cli `libs/databrickscfg/ops.go`), plus the unified-host
  /// flag: what an OAuth login clears.
  package static let credentialKeys = [
    "metadata_service_url", "token", "username", "password", "google_service_account", "google_credentials",
    "azure_workspace_resource_id", "azure_use_msi", "azure_client_secret", "azure_client_id", "azure_tenant_id",
    "azure_login_app_id", "client_id", "client_secret", "databricks_id_token_filepath", "oidc_token_env",
    "experimental_is_unified_host",
  ]

  /// What `databricks configure --token` clears besides the credential keys.
  static let tokenLoginAlsoClears = ["auth_type", "scopes", "databricks_cli_path"]

  /// An OAuth U2M login: `host`, `account_id` (account level), `auth_type = databricks-cli`, and `scopes` when
  /// they are not the default.
  package static func saveOAuthLogin(
    _ document: inout INIDocument,
    profile: String,
    host: String,
    accountId: String?,
    scopes: [String]
  ) throws(INIEditError) {
    let hadProfiles = hasProfiles(document)
    for key in credentialKeys + [MintedTokenRecord.key] { document.removeKey(key, from: profile) }
    try document.set("host", to: host, in: profile)
    if let accountId { try document.set("account_id", to: accountId, in: profile) }
    try document.set("auth_type", to: "databricks-cli", in: profile)
    if scopes.isEmpty || scopes == OAuthClient.defaultScopes {
      document.removeKey("scopes", from: profile)
    } else {
      try document.set("scopes", to: scopes.joined(separator: ","), in: profile)
    }
    if !hadProfiles { try setDefaultProfile(&document, profile) }
  }

  /// A personal access token login, as `databricks configure --token` saves it.
  package static func savePATLogin(_ document: inout INIDocument, profile: String, host: String, token: String)
    throws(INIEditError)
  {
    let hadProfiles = hasProfiles(document)
    for key in credentialKeys + tokenLoginAlsoClears + [MintedTokenRecord.key] {
      document.removeKey(key, from: profile)
    }
    try document.set("host", to: host, in: profile)
    try document.set("token", to: token, in: profile)
    if !hadProfiles { try setDefaultProfile(&document, profile) }
  }

  /// A service principal's OAuth secret: `host`, `account_id` (when given), `client_id`, `client_secret`,
  /// `auth_type = oauth-m2m`, and `scopes` when they are not the default; every other credential key goes.
  package static func saveServicePrincipalLogin(
    _ document: inout INIDocument,
    profile: String,
    host: String,
    accountId: String?,
    clientId: String,
    clientSecret: String,
    scopes: [String]
  ) throws(INIEditError) {
    try saveOAuthLogin(&document, profile: profile, host: host, accountId: accountId, scopes: scopes)
    document.removeKey("databricks_cli_path", from: profile)
    try document.set("client_id", to: clientId, in: profile)
    try document.set("client_secret", to: clientSecret, in: profile)
    try document.set("auth_type", to: "oauth-m2m", in: profile)
  }

  private static func hasProfiles(_ document: INIDocument) -> Bool {
    document.sections.contains {
      !ProfileName.same($0.name, ConfigFile.settingsSection)
        && !(ProfileName.same($0.name, INIDocument.defaultSection) && $0.values.isEmpty)
    }
  }

  private static func setDefaultProfile(_ document: inout INIDocument, _ profile: String) throws(INIEditError) {
    guard document.section(ConfigFile.settingsSection)?.values["default_profile"] == nil else { return }
    try document.set("default_profile", to: profile, in: ConfigFile.settingsSection)
  }
}
