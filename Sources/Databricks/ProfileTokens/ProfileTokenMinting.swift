import Foundation

/// Mints personal access tokens into profiles: `rotateToken` (a profile's token replaced by a new one, the old one
/// revoked when its id is known for certain) and `createToken`'s `saveAsProfile` (a new PAT profile). Both run the
/// steps of ``TokenSwap`` and record the new token's id in the profile (``MintedTokenRecord``), in the same atomic,
/// locked write of the config that saves the token (``ConfigEditor``: `.bak`, 0600, link-refusing).
///
/// Once started, the steps run to their end even if the request is cancelled: a rotation stopped half-way could
/// leave a new token in no profile, which is exactly what the steps exist to prevent. Each step is one short call.
///
/// ```swift
/// let rotated = try await minting.rotate(.init(profile: "dev"))
/// ```
package struct ProfileTokenMinting: Sendable {
  package var credentials: CredentialManager
  package var config: ConfigStore
  package var resolver: ProfileResolver
  package var client: RESTClient

  /// The lifetime of a rotated token when neither the caller nor the workspace's policy gives one: the longest
  /// lifetime Databricks recommends for a token.
  package static let defaultLifetimeSeconds: Int64 = 90 * 86_400

  package init(credentials: CredentialManager, config: ConfigStore, resolver: ProfileResolver, client: RESTClient) {
    self.credentials = credentials
    self.config = config
    self.resolver = resolver
    self.client = client
  }

  package struct Rotation: Sendable {
    package var profile: String?
    package var lifetimeSeconds: Int64?
    package var comment: String?
    package var revokeTokenId: String?

    package init(profile: String?, lifetimeSeconds: Int64? = nil, comment: String? = nil, revokeTokenId: String? = nil)
    {
      self.profile = profile
      self.lifetimeSeconds = lifetimeSeconds
      self.comment = comment
      self.revokeTokenId = revokeTokenId
    }
  }

  package struct Rotated: Sendable, Equatable {
    package var profile: String
    package var token: TokenInfo
    package var outcome: TokenSwap.Outcome
  }

  /// Replaces the PAT of `rotation.profile` (or the default profile) with a new token: the comment given, else the
  /// old token's; the lifetime given, else the workspace's maximum, else ``defaultLifetimeSeconds``.
  /// - Throws: ``ProfileTokenError`` for a profile that is no PAT profile of the config, or whose token changed
  ///   meanwhile; the failing step's error (``APIError``, ``ConfigError``) when the rotation stopped before the save,
  ///   after revoking the new token (wrapped in ``ProfileTokenError/orphaned(underlying:tokenId:)`` if that failed).
  package func rotate(_ rotation: Rotation) async throws -> Rotated {
    try await Task { try await rotateToEnd(rotation) }.value
  }

  private func rotateToEnd(_ rotation: Rotation) async throws -> Rotated {
    // The profile's kind decides first: an OAuth profile that needs a login is still no profile to rotate.
    let named = try resolver.resolve(rotation.profile, in: try await config.current(), path: config.path)
    guard case .config = named.source, named.credentialKind == .pat else {
      throw ProfileTokenError.notPersonalAccessToken(profile: named.name, authType: named.authType)
    }
    let credential = try await credentials.credential(for: rotation.profile)
    let profile = credential.profile
    guard case .config = profile.source, let name = profile.name, profile.credentialKind == .pat,
      let oldToken = profile.attributes["token"], !oldToken.isEmpty
    else { throw ProfileTokenError.notPersonalAccessToken(profile: profile.name, authType: profile.authType) }
    let api = credential.workspace(client)
    let oldTokenId = rotation.revokeTokenId ?? MintedTokenRecord.matching(profile.attributes)?.tokenId
    var comment = rotation.comment
    if comment == nil, let oldTokenId {
      comment = try await api.listOwnTokens().first { $0.tokenId == oldTokenId }?.comment
    }
    if comment?.isEmpty ?? true { comment = "\(name) (brickauth)" }
    var lifetimeSeconds = rotation.lifetimeSeconds
    if lifetimeSeconds == nil { lifetimeSeconds = try await Self.policyLifetimeSeconds(api) }
    var swap = TokenSwap(
      oldTokenId: oldTokenId,
      unknownOldTokenReason: "the old token's id is not known for certain (brickauth did not mint it, or it was "
        + "replaced by hand): it was left alive; pass revokeTokenId next time, or revoke it with revokeToken"
    )
    let (outcome, created) = try await run(
      &swap,
      host: credential.host,
      create: { try await api.createToken(lifetimeSeconds: lifetimeSeconds, comment: comment) },
      save: { created in
        var changedMeanwhile = false
        try await ConfigEditor.edit(config.path) { document throws(INIEditError) in
          guard let current = document.section(name)?.values["token"], current.utf8.elementsEqual(oldToken.utf8)
          else {
            changedMeanwhile = true
            return
          }
          try document.set("token", to: created.value, in: name)
          try Self.record(created, in: &document, profile: name)
        }
        if changedMeanwhile { throw ProfileTokenError.tokenChangedMeanwhile(profile: name, path: config.path) }
      },
      // The new token revokes the old one: it is the credential that stays.
      revokeOld: { id, created in
        try await WorkspaceAPI(client: client, host: credential.host, bearer: created.value).revokeOwnToken(id)
      },
      revokeNew: { id in try await api.revokeOwnToken(id) }
    )
    return Rotated(profile: name, token: created.info, outcome: outcome)
  }

  /// Creates a token with the credential of `profile` (on behalf of `applicationId` when given) and saves it as the
  /// new PAT profile `newProfile` on the same host, as a PAT login saves one.
  /// - Throws: ``ProfileTokenError/profileExists(name:path:)`` before anything is created when the config already
  ///   has `newProfile`; otherwise as ``rotate(_:)``.
  package func createAndSave(
    profile: String?,
    as newProfile: String,
    lifetimeSeconds: Int64?,
    comment: String?,
    applicationId: String?
  ) async throws -> CreatedToken {
    try await Task {
      let credential = try await credentials.credential(for: profile)
      let path = config.path
      if try await config.current().map({ Self.hasProfile($0.document, newProfile) }) == true {
        throw ProfileTokenError.profileExists(name: newProfile, path: path)
      }
      let api = credential.workspace(client)
      var swap = TokenSwap(oldTokenId: nil)
      let (_, created) = try await run(
        &swap,
        host: credential.host,
        create: {
          if let applicationId {
            try await api.createOnBehalfOf(
              applicationId: applicationId,
              lifetimeSeconds: lifetimeSeconds,
              comment: comment
            )
          } else {
            try await api.createToken(lifetimeSeconds: lifetimeSeconds, comment: comment)
          }
        },
        save: { created in
          var exists = false
          try await ConfigEditor.edit(path) { document throws(INIEditError) in
            guard !Self.hasProfile(document, newProfile) else {
              exists = true
              return
            }
            try ProfileEdits.savePATLogin(
              &document,
              profile: newProfile,
              host: credential.host.url,
              token: created.value
            )
            try Self.record(created, in: &document, profile: newProfile)
          }
          if exists { throw ProfileTokenError.profileExists(name: newProfile, path: path) }
        },
        revokeOld: { _, _ in },
        revokeNew: { id in
          if applicationId != nil { try await api.revokeWorkspaceToken(id) } else { try await api.revokeOwnToken(id) }
        }
      )
      return created
    }.value
  }

  // MARK: Steps

  /// Runs `swap` to its end with these step implementations; the check asks SCIM `Me` on `host` with the new token.
  private func run(
    _ swap: inout TokenSwap,
    host: DatabricksHost,
    create: () async throws -> CreatedToken,
    save: (CreatedToken) async throws -> Void,
    revokeOld: (String, CreatedToken) async throws -> Void,
    revokeNew: (String) async throws -> Void
  ) async throws -> (TokenSwap.Outcome, CreatedToken) {
    let created: CreatedToken
    do {
      created = try await create()
    } catch {
      swap.advance(.failed(reason: Self.reason(error)))
      throw error
    }
    swap.advance(.created(tokenId: created.info.tokenId))
    // The first failure is the answer; a failed undo only adds the orphan's id to it.
    var failure: (any Error)?
    while !swap.isOver {
      do {
        switch swap.step {
        case .check:
          _ = try await WorkspaceAPI(client: client, host: host, bearer: created.value).currentUser()
        case .save:
          try await save(created)
        case .revokeOld(let id):
          try await revokeOld(id, created)
        case .revokeNew(let id):
          try await revokeNew(id)
        case .create, .finished, .failed:
          // Not reached: creation is behind us and the loop ends at the last two. Failing ends the loop anyway.
          throw CancellationError()
        }
        swap.advance(.done)
      } catch {
        if failure == nil { failure = error }
        swap.advance(.failed(reason: Self.reason(error)))
      }
    }
    switch swap.step {
    case .finished(let outcome):
      return (outcome, created)
    case .failed(let orphan?):
      throw ProfileTokenError.orphaned(underlying: failure ?? CancellationError(), tokenId: orphan)
    default:
      throw failure ?? CancellationError()
    }
  }

  // MARK: Helpers

  /// The workspace's maximum lifetime, when it has one; a caller who may not read the policy gets the default.
  private static func policyLifetimeSeconds(_ api: WorkspaceAPI) async throws -> Int64 {
    let policy: TokenPolicy
    do {
      policy = try await api.tokenPolicy()
    } catch let error as APIError where error.kind == .permissionDenied {
      return defaultLifetimeSeconds
    }
    // The server's number is hostile until checked: a lifetime past 100 years is no lifetime a token gets.
    guard policy.maxLifetimeDays > 0 else { return defaultLifetimeSeconds }
    return Int64(min(policy.maxLifetimeDays, 36_500)) * 86_400
  }

  /// Sets the profile's record for `created` (or removes a stale one when the id cannot be written).
  private static func record(_ created: CreatedToken, in document: inout INIDocument, profile: String)
    throws(INIEditError)
  {
    let record = MintedTokenRecord(
      tokenId: created.info.tokenId,
      tokenValue: created.value,
      expiresAt: created.info.expiresAt
    )
    if let value = record.configValue {
      try document.set(MintedTokenRecord.key, to: value, in: profile)
    } else {
      document.removeKey(MintedTokenRecord.key, from: profile)
    }
  }

  /// Whether `document` has `name` as a profile with keys (an empty `[DEFAULT]` placeholder is none).
  private static func hasProfile(_ document: INIDocument, _ name: String) -> Bool {
    document.section(name).map { !$0.values.isEmpty } ?? false
  }

  /// A failed step in words for the outcome: the scrubbed message of an API error, else only what kind of failure
  /// it was (an arbitrary error's text could carry anything).
  private static func reason(_ error: any Error) -> String {
    switch error {
    case let error as APIError: error.message
    case let error as ConfigError: "the config could not be written (\(error))"
    default: "\(type(of: error))"
    }
  }
}
