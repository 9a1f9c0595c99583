/// What a running OAuth login publishes once its authorization URL exists: the URL to show the user, and how to
/// finish the flow from the address the browser ended on when that browser is on another machine and its redirect
/// to `http://localhost:<port>` never reached this one.
package struct LoginAuthorization: Sendable {
  package var url: String
  /// Completes the flow from a pasted address, or says why not (see ``LoopbackListener/acceptPastedRedirect(_:)``).
  package var acceptRedirect: @Sendable (String) throws(RedirectPasteRefusal) -> Void

  package init(url: String, acceptRedirect: @escaping @Sendable (String) throws(RedirectPasteRefusal) -> Void) {
    self.url = url
    self.acceptRedirect = acceptRedirect
  }
}
