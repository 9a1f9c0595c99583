/// A personal access token that the host refused when a login checked it, before anything was saved.
///
/// `reason` is the refusal's bounded, scrubbed message (an ``APIError``'s), never the token.
package struct PersonalAccessTokenRefused: Error, Equatable, Sendable {
  /// The host's URL, as the login names it.
  package var host: String
  package var reason: String

  package init(host: String, reason: String) {
    self.host = host
    self.reason = reason
  }
}
