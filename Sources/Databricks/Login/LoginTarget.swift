import Foundation

/// What a login signs in to: the profile to save, its host and account, and the OAuth scopes to ask for.
package struct LoginTarget: Sendable, Equatable {
  package var profile: String
  package var host: DatabricksHost
  package var accountId: String?
  package var scopes: [String]

  package init(profile: String, host: DatabricksHost, accountId: String?, scopes: [String]) {
    self.profile = profile
    self.host = host
    self.accountId = accountId
    self.scopes = scopes
  }

  /// Why a login has nothing it could sign in to.
  package enum Problem: Error, Equatable, Sendable {
    /// Neither the request nor the profile names a host.
    case noHost(profile: String)
    /// The host is not an `https://` URL (or `http://` on this machine), so no credential may be sent to it.
    case hostNotAllowed
    /// An account console host needs the account to sign in to.
    case accountIdRequired
    /// The profile to save (named, or the default one) is not a name every store can hold; why, as
    /// ``ProfileName/problem(_:)`` words it.
    case unrepresentableProfileName(reason: String)
  }

  /// The target a login request names, with whatever it leaves out taken from the profile as `config` has it.
  ///
  /// The profile is the one named, else the default profile, else `DEFAULT`; the account id is the one named, else
  /// the profile's, else the host's `?a=` query; scopes are the ones named, else the profile's comma-separated
  /// `scopes`, with empty ones dropped.
  package static func resolve(
    profile: String?,
    host: String?,
    accountId: String?,
    scopes: [String]?,
    config: ConfigFile?,
    resolver: ProfileResolver
  ) throws(Problem) -> LoginTarget {
    let name = profile ?? resolver.defaultProfileName(in: config) ?? INIDocument.defaultSection
    // Checked before anything is written: the tokens are stored before the profile's section.
    if let reason = ProfileName.problem(name) { throw .unrepresentableProfileName(reason: reason) }
    let existing = config?.profile(name)
    guard let rawHost = host ?? existing?.attributes["host"] else { throw .noHost(profile: name) }
    guard let host = DatabricksHost(rawHost), host.isAllowedForRequests else { throw .hostNotAllowed }
    let accountId = accountId ?? existing?.accountId ?? host.accountIdFromQuery
    if host.isAccountsHost && accountId == nil { throw .accountIdRequired }
    let scopes =
      scopes
      ?? existing?.attributes["scopes"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
      ?? []
    return LoginTarget(profile: name, host: host, accountId: accountId, scopes: scopes.filter { !$0.isEmpty })
  }

  var level: Profile.Level { host.isAccountsHost ? .account : .workspace }

  /// The profile as an OAuth login saves it, for the token cache's keys.
  var savedOAuthProfile: Profile {
    var attributes = ["host": host.url, "auth_type": "databricks-cli"]
    attributes["account_id"] = accountId
    return Profile(name: profile, source: .environment, attributes: attributes)
  }
}
