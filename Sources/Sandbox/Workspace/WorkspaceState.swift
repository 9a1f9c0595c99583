import Foundation

/// Everything the emulated workspace knows, as a value: ``SandboxWorkspace`` keeps it under one lock and each API
/// call reads and changes it in a single critical section.
struct WorkspaceState {
  /// Tokens created without `lifetime_seconds` and without a workspace cap stay "valid for 2 years" (the current
  /// `CreateTokenRequest` docstring of the Databricks SDKs).
  static let defaultLifetimeSeconds: Int64 = 2 * 365 * 86_400

  let workspaceID: Int64
  let tokenQuotaPerUser: Int
  /// The seeded principals, then users that ``seed(_:now:)`` created for owners it did not know.
  private(set) var principals: [SandboxPrincipal]
  var tokens = TokenStore()
  var conf = WorkspaceConf()
  /// Issued OAuth access tokens by value; see ``OAuthAccessToken``.
  private var oauthAccessTokens: [String: OAuthAccessToken] = [:]
  /// Everything else of the OAuth authorization servers: codes, refresh tokens, consent, policies.
  var oauth: OAuthServerState

  init(workspaceID: Int64, tokenQuotaPerUser: Int, principals: [SandboxPrincipal], oauth: OAuthServerState) {
    self.workspaceID = workspaceID
    self.tokenQuotaPerUser = tokenQuotaPerUser
    self.principals = principals
    self.oauth = oauth
  }

  func principal(id: Int64) -> SandboxPrincipal? {
    principals.first { $0.id == id }
  }

  func principal(userName: String) -> SandboxPrincipal? {
    principals.first { $0.userName == userName }
  }

  func servicePrincipal(applicationID: String) -> SandboxPrincipal? {
    principals.first { $0.applicationID == applicationID }
  }

  /// The principal behind an `Authorization` header, or the error a real workspace answers: 401 with the integer
  /// `error_code` 401 when no credential is sent, 403 "Invalid access token." (a PAT) or "Invalid Token" (an OAuth
  /// token) for a bad one.
  ///
  /// A PAT also records its `last_used_day`. While tokens are disabled a valid PAT is refused as well, because
  /// disabling tokens turns off their use, not only their creation.
  mutating func authenticate(authorization: String?, now: Date, requestID: String) throws(SandboxErrorResponse)
    -> SandboxPrincipal
  {
    guard let bearer = Self.bearerToken(authorization) else { throw .credentialNotSent(requestID: requestID) }
    let nowMilliseconds = now.epochMilliseconds
    if let record = tokens.record(value: bearer) {
      guard !record.isExpired(atMilliseconds: nowMilliseconds), let owner = principal(id: record.ownerID) else {
        throw .invalidAccessToken
      }
      guard conf.tokensEnabled else { throw .tokensDisabled }
      let day = nowMilliseconds - nowMilliseconds % 86_400_000
      tokens.update(id: record.id) { $0.lastUsedDay = day }
      return owner
    }
    if let token = oauthAccessTokens[bearer] {
      guard now < token.expiresAt, let owner = principal(id: token.principalID) else { throw .invalidOAuthToken }
      return owner
    }
    throw OAuthAccessToken.looksLikeJWT(bearer) ? .invalidOAuthToken : .invalidAccessToken
  }

  /// Creates a PAT after the checks Databricks makes: tokens enabled, a positive lifetime within the workspace
  /// cap, and the owner under the per-user quota.
  ///
  /// `lifetime_seconds: 0` is refused with the message real workspaces gave ("Invalid timeout: 0") rather than read as
  /// "no lifetime". Without a lifetime the token lives as long as the cap allows, or 2 years without a cap.
  mutating func createToken(
    owner: SandboxPrincipal,
    creator: SandboxPrincipal,
    lifetimeSeconds: Int64?,
    comment: String,
    now: Date
  ) throws(SandboxErrorResponse) -> TokenRecord {
    guard conf.tokensEnabled else { throw .tokensDisabled }
    if let lifetimeSeconds, lifetimeSeconds <= 0 {
      throw .invalidParameterValue("requirement failed: Invalid timeout: \(lifetimeSeconds)")
    }
    let maxDays = conf.maxTokenLifetimeDays
    let maxSeconds = maxDays > 0 ? Self.clampedProduct(maxDays, 86_400) : nil
    if let lifetimeSeconds, let maxSeconds, lifetimeSeconds > maxSeconds {
      throw .invalidParameterValue(
        "Requested token lifetime of \(lifetimeSeconds) seconds exceeds the maximum token lifetime of \(maxDays) "
          + "days (\(maxSeconds) seconds) set for this workspace."
      )
    }
    guard tokens.count(ownedBy: owner.id) < tokenQuotaPerUser else {
      throw .quotaExceeded("Cannot create more than \(tokenQuotaPerUser) tokens for \(owner.userName).")
    }
    let lifetime = lifetimeSeconds ?? maxSeconds ?? Self.defaultLifetimeSeconds
    let creationTime = now.epochMilliseconds
    let (expiryTime, overflow) = creationTime.addingReportingOverflow(Self.clampedProduct(lifetime, 1000))
    return tokens.insert(
      owner: owner,
      createdBy: creator,
      comment: comment,
      creationTime: creationTime,
      expiryTime: overflow ? Int64.max : expiryTime
    )
  }

  /// `a * b`, or `Int64.max` when that overflows (absurd lifetimes and caps mean "practically forever").
  private static func clampedProduct(_ a: Int64, _ b: Int64) -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? Int64.max : product
  }

  /// Issues an OAuth access token for `principal`, as the token endpoint does.
  mutating func issueOAuthAccessToken(
    for principal: SandboxPrincipal,
    lifetimeSeconds: Double,
    scope: String = "all-apis offline_access",
    now: Date
  ) -> String {
    let expiresAt = now.addingTimeInterval(lifetimeSeconds)
    let value = OAuthAccessToken.makeValue(
      subject: principal.userName,
      scope: scope,
      issuedAt: now,
      expiresAt: expiresAt
    )
    oauthAccessTokens[value] = OAuthAccessToken(principalID: principal.id, expiresAt: expiresAt)
    return value
  }

  /// Stores the tokens `seed` describes, past and all, without the checks of a creation (quota, policy), and returns
  /// their ids in creation order. An owner or creator no principal has yet becomes a new ordinary user.
  mutating func seed(_ seed: TokenSeed, now: Date) -> [String] {
    let owner = principal(forSeededUserName: seed.owner)
    let creator = seed.createdBy.map { principal(forSeededUserName: $0) } ?? owner
    let creation = seed.creationTime.epochMilliseconds(now: now)
    let expiry = seed.expiryTime?.epochMilliseconds(now: now) ?? -1
    let lastUsed = seed.lastUsedDay.map { day in
      let milliseconds = day.epochMilliseconds(now: now)
      return milliseconds - ((milliseconds % 86_400_000) + 86_400_000) % 86_400_000
    }
    return (0..<seed.count).map { _ in
      let record = tokens.insert(
        owner: owner,
        createdBy: creator,
        comment: seed.comment,
        creationTime: creation,
        expiryTime: expiry
      )
      tokens.update(id: record.id) { $0.lastUsedDay = lastUsed }
      return record.id
    }
  }

  private mutating func principal(forSeededUserName userName: String) -> SandboxPrincipal {
    if let known = principal(userName: userName) { return known }
    let user = SandboxPrincipal(
      id: 4_000_000_000_100_000 + Int64(principals.count),
      userName: userName,
      displayName: userName,
      isAdmin: false,
      groups: [SandboxSeed.usersGroup]
    )
    principals.append(user)
    return user
  }

  /// Makes a PAT or OAuth access token expire now; `false` when no credential has that value.
  mutating func expireCredential(value: String, now: Date) -> Bool {
    if let record = tokens.record(value: value) {
      return tokens.update(id: record.id) { $0.expiryTime = now.epochMilliseconds }
    }
    guard oauthAccessTokens[value] != nil else { return false }
    oauthAccessTokens[value]?.expiresAt = now
    return true
  }

  /// Deletes a PAT or OAuth access token; `false` when no credential has that value.
  mutating func revokeCredential(value: String) -> Bool {
    if let record = tokens.record(value: value) { return tokens.remove(id: record.id) }
    return oauthAccessTokens.removeValue(forKey: value) != nil
  }

  /// The credential of a `Bearer` header (scheme case-insensitive, RFC 9110 §11.1); `nil` for anything else.
  private static func bearerToken(_ authorization: String?) -> String? {
    guard let authorization else { return nil }
    let parts = authorization.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
    let token = parts[1].trimmingCharacters(in: .whitespaces)
    return token.isEmpty ? nil : token
  }
}
