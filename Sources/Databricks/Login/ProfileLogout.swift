/// Signs a profile out as `databricks auth logout` does: removes its cached OAuth tokens (see
/// ``OAuthTokenStore/signOut(_:among:settings:)``) and, when asked, its section of the config file.
package struct ProfileLogout: Sendable {
  /// What a logout did.
  package struct Outcome: Sendable, Equatable {
    package var profile: String
    package var removedCredentials: Bool
    package var deletedProfile: Bool

    package init(profile: String, removedCredentials: Bool, deletedProfile: Bool) {
      self.profile = profile
      self.removedCredentials = removedCredentials
      self.deletedProfile = deletedProfile
    }
  }

  package var config: ConfigStore
  package var resolver: ProfileResolver
  package var tokens: OAuthTokenStore

  package init(config: ConfigStore, resolver: ProfileResolver, tokens: OAuthTokenStore) {
    self.config = config
    self.resolver = resolver
    self.tokens = tokens
  }

  /// Signs out `requested`, or the profile a request without one means; with `deleteProfile`, also removes its
  /// section from the config file.
  /// - Throws: ``ConfigError/profileNotFound(name:path:available:)`` when the config has no such profile,
  ///   ``TokenStorageError`` or ``TokenCacheUpdateError`` when its tokens cannot be removed.
  package func run(profile requested: String?, deleteProfile: Bool) async throws -> Outcome {
    let current = try await config.current()
    guard let name = requested ?? resolver.defaultProfileName(in: current), let profile = current?.profile(name) else {
      throw ConfigError.profileNotFound(
        name: requested ?? INIDocument.defaultSection,
        path: config.path,
        available: current?.profileNames ?? []
      )
    }
    let removed = try await tokens.signOut(profile, among: current?.profiles ?? [], settings: current?.settings ?? [:])
    if deleteProfile {
      try await ConfigEditor.edit(config.path) { document throws(INIEditError) in
        document.removeSection(name)
      }
    }
    return Outcome(profile: name, removedCredentials: removed, deletedProfile: deleteProfile)
  }
}
