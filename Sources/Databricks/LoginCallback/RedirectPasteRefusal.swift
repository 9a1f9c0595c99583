/// Why the address a user pasted (the one the browser ended on, `login {loginId, callbackUrl}`) did not complete
/// the login. Except after ``loginEnded``, the login goes on waiting, for its redirect or a correct address, until its
/// deadline.
///
/// None of the messages carries a code, a state or the address: they reach JSON-RPC errors.
package enum RedirectPasteRefusal: Error, Equatable, Sendable, CustomStringConvertible {
  /// Not the redirect to this login's listener: another scheme, host, port or path, too long, or a query that is not
  /// an authorization response. `reason` names what is wrong, never a value from the address.
  case notTheRedirect(reason: String)
  /// The address carries another login's `state` (or one forged): it does not answer this login.
  case stateMismatch
  /// The authorization server's error redirect (`error=access_denied`, …) with this login's state: the sign-in was
  /// refused in that browser, which may try again while the login waits.
  case authorizationError(error: String, description: String?)
  /// The login already received its answer, from its listener or an earlier paste; each answer is used once.
  case alreadyAnswered
  /// The login has ended (completed, failed, timed out or cancelled): an address cannot complete it any more.
  case loginEnded

  package var description: String {
    switch self {
    case .notTheRedirect(let reason): "the address is not this login's redirect: \(reason)"
    case .stateMismatch: "the address carries another login's state: it does not belong to this login"
    case .authorizationError(let error, let description):
      "the sign-in was refused: \(description.map { "\($0) (error code: \(error))" } ?? error)"
    case .alreadyAnswered: "this login has already received its redirect, and an address is used once"
    case .loginEnded: "this login has already ended"
    }
  }
}
