/// What a client of the local token endpoint needs: the URL that hands out the profile's token, and the
/// environment that points a Databricks SDK (or the CLI) at it.
///
/// Nothing in it is secret except the URL itself, which is as good as a token for as long as this process runs.
package struct ServedCredentials: Sendable, Equatable, Encodable {
  package var profile: String
  package var host: String
  package var url: String
  /// `DATABRICKS_HOST`, `DATABRICKS_AUTH_TYPE=metadata-service`, `DATABRICKS_METADATA_SERVICE_URL`, and
  /// `DATABRICKS_ACCOUNT_ID` / `DATABRICKS_WORKSPACE_ID` where the profile has them.
  package var env: [String: String]

  package init(profile: String, host: String, url: String, env: [String: String]) {
    self.profile = profile
    self.host = host
    self.url = url
    self.env = env
  }
}
