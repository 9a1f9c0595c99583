import Foundation

/// Opens the authorization URL in the user's browser, following the `BROWSER` convention of the Databricks CLI
/// (`libs/browser`): unset (or empty) → the platform's opener; `none` → nothing (the caller shows the URL); any
/// other value → that program, run with the URL as its one argument.
///
/// `BROWSER` is one executable: a path, or a name looked up on `PATH`. It is not split on spaces or run through a
/// shell (the CLI has done both over time; its current `libs/browser/browser.go` quotes the value as a single
/// word), so `BROWSER="firefox --new-window"` is a program by that whole name; put arguments in a wrapper script.
///
/// The URL comes from the workspace's OAuth discovery document, which brickauth does not control, so only
/// ``mayOpen(_:)`` URLs are handed over: an argument starting with `-` would be an option to the browser (Chromium's
/// `--remote-debugging-port`, `--app=`), and `file:` or other schemes would open local files or other handlers.
///
/// The browser is launched detached (see ``DetachedProcess``) and never waited for: a `BROWSER` helper that blocks
/// until the browser closes must not hold up the login, and it must never write into brickauth's stdout.
package enum BrowserOpener {
  /// What to do for a URL.
  package enum Decision: Equatable, Sendable {
    /// Run this: the executable (absolute when found on `PATH`), then the URL.
    case run([String])
    /// `BROWSER=none`: open nothing.
    case disabled
    /// `BROWSER` is unset and none of the platform's openers is on `PATH`.
    case noOpenerFound
    /// The URL is not one ``mayOpen(_:)`` accepts: nothing is run.
    case refusedURL
  }

  /// What ``open(_:environment:)`` did.
  package enum Outcome: Equatable, Sendable {
    /// The browser (or helper) was started with this process id; it may still be running.
    case launched(pid: Int32)
    /// `BROWSER=none`.
    case disabled
  }

  /// The openers tried in order when `BROWSER` is unset, as Go's `github.com/pkg/browser` does.
  package static var platformOpeners: [String] {
    #if os(macOS)
      ["open"]
    #else
      ["xdg-open", "x-www-browser", "www-browser", "wslview"]
    #endif
  }

  /// Decides what to run for `url`; pure, so the rules are tested as values.
  ///
  /// - Parameters:
  ///   - environment: `BROWSER` and `PATH` are read from it (`PATH` unset means `/usr/bin:/bin`).
  ///   - fileExists: whether an executable file exists at a path.
  ///   - platformOpeners: the names tried when `BROWSER` is unset.
  package static func decide(
    url: String,
    environment: [String: String],
    fileExists: (String) -> Bool,
    platformOpeners: [String] = platformOpeners
  ) -> Decision {
    guard mayOpen(url) else { return .refusedURL }
    let searchPath = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    func lookUp(_ name: String) -> String? {
      if name.contains("/") { return fileExists(name) ? name : nil }
      // Empty PATH entries (the current directory) are skipped: a service should not run whatever lies there.
      return searchPath.filter { $0.hasPrefix("/") }.map { "\($0)/\(name)" }.first { fileExists($0) }
    }
    switch environment["BROWSER"] ?? "" {
    case "":
      for name in platformOpeners {
        if let opener = lookUp(name) { return .run([opener, url]) }
      }
      return .noOpenerFound
    case "none":
      return .disabled
    case let browser:
      // Not found is left to the launch, which reports it with the name.
      return .run([lookUp(browser) ?? browser, url])
    }
  }

  /// The command line for `url`, or `nil` when nothing should (or can) be run.
  package static func command(
    for url: String,
    environment: [String: String],
    fileExists: (String) -> Bool,
    platformOpeners: [String] = platformOpeners
  ) -> [String]? {
    guard
      case .run(let arguments) = decide(
        url: url,
        environment: environment,
        fileExists: fileExists,
        platformOpeners: platformOpeners
      )
    else { return nil }
    return arguments
  }

  /// Whether `url` may be handed to a browser: an absolute `https://` URL, or `http://` to a loopback host
  /// (`127.0.0.1`, `::1`, `localhost`), of printable ASCII without `\\` (which browsers read as `/`, so
  /// `http://evil\\@127.0.0.1` would reach `evil`). Such a URL starts with its scheme, so it never reads as an option.
  package static func mayOpen(_ url: String) -> Bool {
    guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }),
      let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      url.lowercased().hasPrefix(scheme + "://"), let host = components.host?.lowercased(), !host.isEmpty
    else { return false }
    switch scheme {
    case "https": return true
    case "http": return ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)
    default: return false
    }
  }

  /// Opens `url` as `environment` says; returns once the browser has been started, without waiting for it.
  ///
  /// - Throws: ``BrowserOpenerError/noOpenerFound`` or ``BrowserOpenerError/launchFailed(executable:reason:)``,
  ///   after which the caller shows the URL for the user to open; ``BrowserOpenerError/refusedURL`` for a URL that
  ///   ``mayOpen(_:)`` refuses.
  @discardableResult
  package static func open(
    _ url: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(BrowserOpenerError) -> Outcome {
    switch decide(url: url, environment: environment, fileExists: FileManager.default.isExecutableFile(atPath:)) {
    case .disabled:
      return .disabled
    case .noOpenerFound:
      throw .noOpenerFound
    case .refusedURL:
      throw .refusedURL
    case .run(let arguments):
      return .launched(pid: try DetachedProcess.launch(arguments, environment: environment))
    }
  }
}
