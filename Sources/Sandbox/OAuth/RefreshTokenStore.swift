import Basics

/// Live refresh tokens, rotated on every use as Databricks documents for U2M apps ("single-use refresh tokens").
///
/// Redeeming a token retires it at once and the caller issues its successor in the same family (the chain of
/// tokens descending from one login). A retired token is remembered only by its family: presenting it again is
/// refused like any invalid token, and, when ``revokesFamilyOnReuse`` is set, also revokes the live token of its
/// family, which is what issue threads report real workspaces doing when two processes refresh with the same token.
struct RefreshTokenStore {
  struct Grant {
    var issuer: OIDCIssuer
    var clientID: String
    var scopes: [String]
    var principalID: Int64
    var family: Int
  }

  var revokesFamilyOnReuse: Bool
  /// Whether a refresh retires the presented token and issues a successor (Databricks U2M apps), or keeps it valid
  /// and answers without a `refresh_token` (an identity provider that does not rotate).
  var rotates = true
  private var live: [String: Grant] = [:]
  /// Retired (rotated) tokens and their families; never pruned, a sandbox lives for one test.
  private var retired: [String: Int] = [:]
  private var familyCount = 0

  init(revokesFamilyOnReuse: Bool) {
    self.revokesFamilyOnReuse = revokesFamilyOnReuse
  }

  var liveCount: Int { live.count }

  /// A family number for the tokens of a new login.
  mutating func newFamily() -> Int {
    familyCount += 1
    return familyCount
  }

  /// Stores `grant` under a fresh token (`sbxrt-` and 43 base64url characters) and returns the token.
  mutating func issue(_ grant: Grant) -> String {
    let token = "sbxrt-" + Base64URL.encode(SecureRandom.bytes(count: 32))
    live[token] = grant
    return token
  }

  /// Retires `token` (unless refresh does not ``rotates``) and returns its grant, or `nil` when it is not live or
  /// belongs to another issuer or client (a token of another client is left alone: presenting it proves nothing
  /// about its owner).
  mutating func redeem(_ token: String, issuer: OIDCIssuer, clientID: String) -> Grant? {
    guard let grant = live[token] else {
      if revokesFamilyOnReuse, let family = retired[token] {
        live = live.filter { $0.value.family != family }
      }
      return nil
    }
    guard grant.issuer == issuer, grant.clientID == clientID else { return nil }
    guard rotates else { return grant }
    live[token] = nil
    retired[token] = grant.family
    return grant
  }

  /// Revokes a live token; `false` when there is none with that value.
  mutating func revoke(_ token: String) -> Bool {
    live.removeValue(forKey: token) != nil
  }
}
