package import Foundation

/// Resolves a profile to a credential once and shares it with every concurrent request.
///
/// Resolution reads only cached files (``ConfigStore``, ``TokenCacheStore``); the result is kept per requested
/// profile and reused while neither file changes, so a burst of API calls costs one resolution, and an edit of
/// `~/.databrickscfg` (or a `databricks auth login` in another terminal) is picked up on the next call.
///
/// ```swift
/// let session = try await sessions.session(for: "dev")
/// let tokens = try await session.workspace(client).listOwnTokens()
/// ```
package actor SessionManager {
  private let config: ConfigStore
  private let tokenCache: TokenCacheStore
  private let resolver: ProfileResolver
  private let now: @Sendable () -> Date
  private var sessions: [String: (versions: [Int], expiry: Date?, session: Session)] = [:]

  package init(
    config: ConfigStore,
    tokenCache: TokenCacheStore,
    resolver: ProfileResolver,
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.config = config
    self.tokenCache = tokenCache
    self.resolver = resolver
    self.now = now
  }

  /// The session for `requested` (or the default profile, CONTRACT §4).
  /// - Throws: ``ConfigError`` when the profile cannot be resolved, ``CredentialError`` when it has no usable
  ///   credential.
  package func session(for requested: String?) async throws -> Session {
    let snapshot = try await config.snapshot()
    let profile = try resolver.resolve(requested, in: snapshot.value, path: config.path)
    guard let host = profile.host else { throw CredentialError.loginRequired(profile: profile.name, reason: "no host") }
    let key = requested ?? "\u{0}default"
    switch profile.credentialKind {
    case .pat:
      if let cached = sessions[key], cached.versions == [snapshot.version] { return cached.session }
      let session = Session(profile: profile, bearer: profile.attributes["token"] ?? "", host: host)
      sessions[key] = ([snapshot.version], nil, session)
      return session
    case .oauth:
      let tokens: (value: TokenCacheFile, version: Int)
      do {
        tokens = try await tokenCache.snapshot()
      } catch {
        throw CredentialError.tokenCacheUnusable(path: tokenCache.path, reason: Self.describe(error))
      }
      if let cached = sessions[key], cached.versions == [snapshot.version, tokens.version],
        Self.isUsable(expiry: cached.expiry, now: now())
      {
        return cached.session
      }
      guard let entry = TokenCacheFile.keys(for: profile).lazy.compactMap({ tokens.value.entry($0) }).first else {
        throw CredentialError.loginRequired(profile: profile.name, reason: "no OAuth token is cached for it")
      }
      guard Self.isUsable(expiry: entry.expiry, now: now()) else {
        throw CredentialError.loginRequired(profile: profile.name, reason: "its OAuth access token has expired")
      }
      let session = Session(profile: profile, bearer: entry.accessToken, host: host)
      sessions[key] = ([snapshot.version, tokens.version], entry.expiry, session)
      return session
    case .m2m, .other, .none:
      throw CredentialError.unsupportedAuthType(profile: profile.name, authType: profile.authType)
    }
  }

  private static func isUsable(expiry: Date?, now: Date) -> Bool {
    expiry.map { $0 > now } ?? true
  }

  private static func describe(_ error: TokenCacheError) -> String {
    switch error {
    case .malformed: "it is not valid JSON"
    case .unsupportedVersion: "it is not version 1"
    case .unreadable(let failure): failure.reason
    }
  }
}
