import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Starts a program that brickauth never waits for and that cannot disturb it.
///
/// - stdin, stdout and stderr are `/dev/null`: brickauth's stdout is the JSON-RPC stream, and a browser that
///   printed into it ("Opening in existing browser session.") would corrupt the protocol.
/// - A new session: the program is not in brickauth's process group, so signals aimed at that group (the Ctrl-C of
///   a terminal running brickauth) do not reach the browser, and it keeps running after brickauth exits.
/// - The clean signal state and descriptors of ``ProcessSpawn``.
///
/// `launch` returns as soon as the program has been started. A thread then waits for it to exit, only so it does
/// not linger as a zombie; that is a blocked thread for as long as the helper runs (usually a moment: `xdg-open` and
/// `open` hand the URL to the running browser and exit), never a task of the cooperative pool.
package enum DetachedProcess {
  /// Starts `arguments[0]` (a path, or a name looked up on this process's `PATH`) with the rest as its arguments.
  ///
  /// - Returns: the process id.
  package static func launch(
    _ arguments: [String],
    environment: [String: String]
  ) throws(BrowserOpenerError) -> Int32 {
    guard let executable = arguments.first else {
      throw .launchFailed(executable: "", reason: "no program to run")
    }
    switch ProcessSpawn.spawn(arguments, environment: environment, descriptors: .null, newSession: true) {
    case .failure(let error):
      throw .launchFailed(executable: executable, reason: error.reason)
    case .success(let pid):
      let reaper = Thread { _ = ProcessSpawn.wait(pid) }
      reaper.name = "brickauth.browser.reaper"
      reaper.start()
      return pid
    }
  }
}
