import Databricks
import Foundation
import JSONRPC

extension LoginRequirement {
  /// Why `profile` needs a sign-in, in the words of the error `getToken` would answer, or `nil` when nothing known
  /// from the files says so: what `listProfiles` and `describeProfile` report as `loginRequiredReason`.
  ///
  /// - Parameter missingTokenReason: where no token was found (``OAuthTokenStore/missingTokenReason(plan:)``);
  ///   `nil` when the token store could not be read, so a missing token is not known to be missing.
  static func reason(for profile: Profile, token: OAuthTokenStore.Entry?, missingTokenReason: String?, now: Date)
    -> String?
  {
    guard let requirement = LoginRequirement(profile, token: token, now: now),
      requirement != .noToken || missingTokenReason != nil
    else { return nil }
    return RPCError(requirement.error(profile: profile.name, missingTokenReason: missingTokenReason ?? "")).message
  }
}
