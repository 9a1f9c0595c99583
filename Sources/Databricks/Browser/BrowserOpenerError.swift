/// Why ``BrowserOpener`` could not start a browser; the caller then shows the URL for the user to open.
///
/// The messages name the program, never the URL (it carries the login's state).
package enum BrowserOpenerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `BROWSER` is unset and no platform opener (`open`, `xdg-open`, …) is on `PATH`.
  case noOpenerFound
  /// The program could not be started (not found, not executable, …).
  case launchFailed(executable: String, reason: String)
  /// The URL is not one a browser may be handed (see ``BrowserOpener/mayOpen(_:)``): nothing was started.
  case refusedURL

  package var description: String {
    switch self {
    case .noOpenerFound: "no browser opener found; open the URL yourself"
    case .launchFailed(let executable, let reason): "could not start the browser (\(executable)): \(reason)"
    case .refusedURL: "refused to open the authorization URL: only https:// (or http:// to this machine) is opened"
    }
  }
}
