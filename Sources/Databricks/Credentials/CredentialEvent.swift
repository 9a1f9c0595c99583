import Basics
package import Foundation

/// What the credential manager learns while it works that a watcher of the profiles wants to hear: nobody can see it
/// in the files, because a failed refresh writes nothing and a token's end is only known to whoever read it.
package enum CredentialEvent: Sendable {
  /// A refresh of `profile`'s token failed in a way only a new login fixes; `failure` is what `getToken` threw.
  case loginRequired(profile: String, failure: any Error)
  /// `profile`'s token cannot be renewed by brickauth (no refresh token, nothing to mint it again) and stops working
  /// at `expiresAt`.
  case unrenewable(profile: String, expiresAt: Date)

  /// Whether `error`, thrown by a refresh, means the profile needs a new login (rather than a retry later).
  package static func needsLogin(_ error: any Error) -> Bool {
    switch error {
    case OAuthError.invalidRefreshToken, OAuthError.missingRefreshToken: true
    case CredentialError.loginRequired: true
    default: false
    }
  }
}

/// Hands ``CredentialEvent``s to the one listener (the watches), or drops them at the cost of a lock when nobody
/// watches.
package final class CredentialEventRelay: Sendable {
  private let listener = Locked<(@Sendable (CredentialEvent) -> Void)?>(nil)

  package init() {}

  /// Makes `handler` the listener; `nil` stops listening.
  package func listen(_ handler: (@Sendable (CredentialEvent) -> Void)?) {
    listener.withLock { $0 = handler }
  }

  package func emit(_ event: CredentialEvent) {
    listener.withLock { $0 }?(event)
  }
}
