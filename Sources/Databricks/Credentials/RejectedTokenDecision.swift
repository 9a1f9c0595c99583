import Basics

/// What to do when a caller says Databricks refused a token it was given: replace the token only if it is still the
/// one held, so that however many callers (threads, processes, child tools) report the same refused token, it is
/// replaced once, and a caller reporting a token that was already replaced just gets the newer one.
///
/// A token that is neither the held one nor any known one counts as already replaced too: it cannot be told apart
/// from a token this process or another one held before the current one, and refreshing because of it would let any
/// caller with a made-up string force requests to Databricks.
///
/// The comparison takes the same time however much of the token matches: the refused token is a secret, and the
/// answer must not tell a guesser how close it was.
///
/// ```swift
/// switch RejectedTokenDecision(held: current.accessToken, rejected: refused) {
/// case .replace: refresh()
/// case .useHeld: return current
/// }
/// ```
package enum RejectedTokenDecision: Equatable, Sendable {
  /// The held token is the refused one: get a new one (a refresh, or a new mint), once for all callers.
  case replace
  /// The held token is another one: hand it out without asking Databricks.
  case useHeld

  /// The longest refused token looked at (from `getToken`, or `brickauth token` on stdin): far above any access token
  /// Databricks issues, and a bound on what a caller can make the service read and compare.
  package static let maximumTokenBytes = 65_536

  package init(held: String, rejected: String) {
    self = ConstantTimeEquality.equal(held, rejected) ? .replace : .useHeld
  }
}
