/// The stored OAuth tokens of a set of profiles by profile name: what version of the store they come from, and the
/// entries themselves, built on demand (see ``OAuthTokenStore/byProfile(_:storage:)``).
package struct OAuthTokensByProfile: Sendable {
  /// `nil` when the store could not be read at all.
  package var stamp: OAuthTokenStore.Stamp?
  /// Each profile's entry by profile name.
  package var entries: @Sendable () -> [ProfileName.Key: OAuthTokenStore.Entry]
  /// Where the entries were read (`nil` when the store could not be read), for why a token is missing (see
  /// ``OAuthTokenStore/missingTokenReason(plan:)``).
  package var plan: TokenStoragePlan?

  package init(
    stamp: OAuthTokenStore.Stamp?,
    plan: TokenStoragePlan? = nil,
    entries: @escaping @Sendable () -> [ProfileName.Key: OAuthTokenStore.Entry]
  ) {
    self.stamp = stamp
    self.plan = plan
    self.entries = entries
  }
}
