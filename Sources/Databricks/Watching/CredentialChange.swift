package import Foundation

/// One change a watcher hears about: which profile, what happened, and never a secret.
package struct CredentialChange: Sendable, Equatable {
  package enum Kind: String, Sendable, Equatable, CaseIterable {
    /// The config file gained the profile's section.
    case added
    /// The config file lost the profile's section.
    case removed
    /// One of the profile's attributes changed.
    case edited
    /// The profile's OAuth tokens appeared (a login).
    case signedIn
    /// The profile's OAuth tokens disappeared (a logout).
    case signedOut
    /// The profile's OAuth tokens were replaced (a refresh, or a login over an existing one).
    case refreshed
    /// A refresh failed in a way only a new login fixes.
    case loginRequired
    /// The profile's token cannot be renewed and expires within ``ExpiryWarnings/lead``.
    case expiringSoon
  }

  package var profile: String
  package var kind: Kind
  /// When the profile's token expires, where known (`signedIn`, `refreshed`, `expiringSoon`).
  package var expiresAt: Date?
  /// Why a login is needed (`loginRequired`): what `getToken` would say.
  package var reason: String?

  package init(profile: String, kind: Kind, expiresAt: Date? = nil, reason: String? = nil) {
    self.profile = profile
    self.kind = kind
    self.expiresAt = expiresAt
    self.reason = reason
  }
}
