package import Foundation

/// Why a profile needs a sign-in before `getToken` can answer, decided from the files alone (the config and the
/// stored OAuth token), with no request to Databricks: what an agent or an editor asks before it starts work, and
/// the same failure ``CredentialManager`` would meet.
///
/// Only what is certain without the network counts: no host, no stored OAuth token, or a token due for a refresh
/// that has no refresh token. A refresh token that Databricks would reject is found out only by using it. Profiles
/// whose credentials brickauth does not mint from the files (M2M, Azure, Google, …) are not decided here.
///
/// ```swift
/// if let needed = LoginRequirement(profile, token: entry, now: now) { show(needed.error(profile: profile.name)) }
/// ```
package enum LoginRequirement: Equatable, Sendable {
  /// The profile has no host: there is nothing to sign in to until it gets one (a `login` with `host`).
  case noHost
  /// An OAuth profile with no stored token.
  case noToken
  /// The stored access token expires within the refresh margin and there is no refresh token to replace it with.
  case noRefreshToken

  /// What `profile` needs, given its stored OAuth token (ignored for other profiles); `nil` when nothing known
  /// locally stands in the way.
  package init?(_ profile: Profile, token: OAuthTokenStore.Entry?, now: Date) {
    guard profile.host != nil else {
      self = .noHost
      return
    }
    guard profile.credentialKind == .oauth else { return nil }
    guard let token else {
      self = .noToken
      return
    }
    guard token.refreshToken == nil, Self.refreshDue(token, now: now) else { return nil }
    self = .noRefreshToken
  }

  /// When the answer for `token` changes by time alone: the moment a token without a refresh token enters the
  /// refresh margin; `nil` when it never will (or already has).
  package static func changes(for token: OAuthTokenStore.Entry?, after now: Date) -> Date? {
    guard let token, token.refreshToken == nil, let expiry = token.expiry, !refreshDue(token, now: now) else {
      return nil
    }
    return expiry.addingTimeInterval(-OAuthToken.refreshMarginSeconds)
  }

  /// The error `getToken` answers in this case; `missingTokenReason` says where no token was found (see
  /// ``OAuthTokenStore/missingTokenReason(plan:)``).
  package func error(profile: String?, missingTokenReason: String) -> any Error {
    switch self {
    case .noHost: CredentialError.loginRequired(profile: profile, reason: "no host")
    case .noToken: CredentialError.loginRequired(profile: profile, reason: missingTokenReason)
    case .noRefreshToken: OAuthError.missingRefreshToken(profile: profile)
    }
  }

  private static func refreshDue(_ token: OAuthTokenStore.Entry, now: Date) -> Bool {
    OAuthToken(accessToken: "", refreshToken: nil, expiry: token.expiry).needsRefresh(now: now)
  }
}
