/// What the emulated user does on the consent page of an authorize request.
///
/// The sandbox has no browser and no page: an authorize request that passes validation is answered at once with the
/// redirect the user's choice would cause, so a login can be tested end to end by a client that just follows it.
package enum SandboxConsent: Sendable, Equatable {
  /// Approve as this principal (one of the workspace's): the redirect carries a code and the request's `state`.
  case approve(as: SandboxPrincipal)
  /// Refuse: the redirect carries `error=access_denied` and the request's `state`.
  case deny
  /// Approve as the seeded admin, but redirect with a different `state`, as a forged callback would; the client
  /// must refuse the code ("state mismatch in 3-legged-OAuth flow" in the Go SDK).
  case tamperState
  /// Never answer: the user walked away. The connection stays open until the client gives up or the sandbox stops,
  /// so a login's own timeout is what ends the flow.
  case hang
}
