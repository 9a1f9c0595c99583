/// Picks the profile a request means, in the SDKs' order, and checks it can be used.
///
/// Order when the request names no profile: `DATABRICKS_CONFIG_PROFILE`; else, with `DATABRICKS_HOST` set, the
/// environment forms the profile (the SDKs then skip the file); else `[__settings__] default_profile`; else `DEFAULT`.
/// A name that does not exist is an error rather than a silent fallback, so a typo never reaches another workspace.
package struct ProfileResolver: Sendable {
  /// Config keys and the environment variables that stand for them (Go SDK `config.go` tags).
  package static let environmentKeys: [(key: String, variable: String)] = [
    ("host", "DATABRICKS_HOST"), ("token", "DATABRICKS_TOKEN"), ("account_id", "DATABRICKS_ACCOUNT_ID"),
    ("workspace_id", "DATABRICKS_WORKSPACE_ID"), ("auth_type", "DATABRICKS_AUTH_TYPE"),
    ("client_id", "DATABRICKS_CLIENT_ID"), ("client_secret", "DATABRICKS_CLIENT_SECRET"),
    ("username", "DATABRICKS_USERNAME"), ("password", "DATABRICKS_PASSWORD"),
    ("cluster_id", "DATABRICKS_CLUSTER_ID"), ("warehouse_id", "DATABRICKS_WAREHOUSE_ID"),
    ("metadata_service_url", "DATABRICKS_METADATA_SERVICE_URL"),
    ("google_service_account", "DATABRICKS_GOOGLE_SERVICE_ACCOUNT"), ("google_credentials", "GOOGLE_CREDENTIALS"),
    ("azure_workspace_resource_id", "DATABRICKS_AZURE_RESOURCE_ID"), ("azure_use_msi", "ARM_USE_MSI"),
    ("azure_client_secret", "ARM_CLIENT_SECRET"), ("azure_client_id", "ARM_CLIENT_ID"),
    ("azure_tenant_id", "ARM_TENANT_ID"), ("databricks_id_token_filepath", "DATABRICKS_OIDC_TOKEN_FILEPATH"),
    ("oidc_token_env", "DATABRICKS_OIDC_TOKEN_ENV"), ("token_audience", "DATABRICKS_TOKEN_AUDIENCE"),
  ]

  /// Older names the SDKs still read for a key when its variable is unset, keyed by that variable: the Python SDK
  /// reads `DATABRICKS_OIDC_TOKEN_FILE` for the token file path (the Go SDK and the CLI only the `…_FILEPATH` one).
  package static let environmentAliases: [String: [String]] = [
    "DATABRICKS_OIDC_TOKEN_FILEPATH": ["DATABRICKS_OIDC_TOKEN_FILE"]
  ]

  package var environment: [String: String]

  package init(environment: [String: String]) {
    self.environment = environment
  }

  /// The name of the profile used when a request names none, or `nil` when that is the environment or nothing.
  package func defaultProfileName(in config: ConfigFile?) -> String? {
    if let named = environment["DATABRICKS_CONFIG_PROFILE"].nonEmpty { return named }
    if environment["DATABRICKS_HOST"].nonEmpty != nil { return nil }
    if let named = config?.settings["default_profile"]?.trimmingSpaces, !named.isEmpty { return named }
    if config?.profile(INIDocument.defaultSection) != nil { return INIDocument.defaultSection }
    return nil
  }

  /// Resolves `requested` (or the default) to a profile with a usable host.
  /// - Parameter config: the parsed config file, or `nil` when there is none.
  /// - Parameter path: where the config file is (or would be), for error messages.
  package func resolve(_ requested: String?, in config: ConfigFile?, path: String) throws(ConfigError) -> Profile {
    let profile = try select(requested, in: config, path: path)
    guard let host = profile.host else {
      let line = if case .config(_, let line) = profile.source { line } else { 0 }
      throw .missingHost(profile: profile.name, path: path, line: line)
    }
    guard host.isAllowedForRequests else {
      guard case .config(let path, _) = profile.source else {
        throw .insecureHost(profile: profile.name, host: host.url, path: nil, line: nil)
      }
      let line = profile.name.flatMap { config?.section($0)?.keyLines["host"] }
      throw .insecureHost(profile: profile.name, host: host.url, path: path, line: line)
    }
    return profile
  }

  private func select(_ requested: String?, in config: ConfigFile?, path: String) throws(ConfigError) -> Profile {
    let available = config?.profileNames ?? []
    func named(_ name: String) throws(ConfigError) -> Profile {
      guard !ProfileName.same(name, ConfigFile.settingsSection) else { throw .reservedName(path: path) }
      guard let profile = config?.profile(name) else {
        throw .profileNotFound(name: name, path: path, available: available)
      }
      return profile
    }
    if let requested { return try named(requested) }
    if let fromEnvironment = environment["DATABRICKS_CONFIG_PROFILE"].nonEmpty { return try named(fromEnvironment) }
    if environment["DATABRICKS_HOST"].nonEmpty != nil { return environmentProfile() }
    if let setting = config?.settings["default_profile"]?.trimmingSpaces, !setting.isEmpty {
      return try named(setting)
    }
    guard let profile = config?.profile(INIDocument.defaultSection) else {
      throw .noDefaultProfile(path: path, available: available)
    }
    return profile
  }

  private func environmentProfile() -> Profile {
    var attributes: [String: String] = [:]
    for (key, variable) in Self.environmentKeys {
      let names = [variable] + Self.environmentAliases[variable, default: []]
      if let value = names.lazy.compactMap({ environment[$0].nonEmpty }).first { attributes[key] = value }
    }
    return Profile(name: nil, source: .environment, attributes: attributes, environment: environment)
  }
}

extension String {
  var trimmingSpaces: String {
    var slice = Substring(self)
    while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
    while slice.last?.isWhitespace == true { slice = slice.dropLast() }
    return String(slice)
  }
}
