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
/// - A clean signal state: an empty mask, and default dispositions for the signals a server commonly ignores
///   (`SIGPIPE` above all), which `exec` would otherwise pass on.
/// - No inherited descriptors of brickauth's own: its sockets and files are close-on-exec; on macOS every other
///   descriptor is closed too (`POSIX_SPAWN_CLOEXEC_DEFAULT`); glibc offers no such flag to Swift.
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
    var result = spawn(arguments, environment: environment, newSession: true)
    if case .failure(let error) = result, error.code == EINVAL {
      // glibc before 2.26 has no POSIX_SPAWN_SETSID: a new process group is the next best thing.
      result = spawn(arguments, environment: environment, newSession: false)
    }
    switch result {
    case .failure(let error):
      throw .launchFailed(executable: executable, reason: String(cString: strerror(error.code)))
    case .success(let pid):
      let reaper = Thread {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      }
      reaper.name = "brickauth.browser.reaper"
      reaper.start()
      return pid
    }
  }

  private struct SpawnError: Error {
    var code: Int32
  }

  private static func spawn(
    _ arguments: [String],
    environment: [String: String],
    newSession: Bool
  ) -> Result<pid_t, SpawnError> {
    #if canImport(Glibc)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
      // spawn.h's POSIX_SPAWN_SETSID is hidden behind _GNU_SOURCE in Swift's Glibc module.
      let setSession: Int32 = 0x80
      var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
    #else
      var actions: posix_spawn_file_actions_t?
      var attributes: posix_spawnattr_t?
      let setSession = Int32(POSIX_SPAWN_SETSID)
      var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_CLOEXEC_DEFAULT)
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }

    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    if newSession {
      flags |= setSession
    } else {
      flags |= Int32(POSIX_SPAWN_SETPGROUP)
      posix_spawnattr_setpgroup(&attributes, 0)
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
    return code == 0 ? .success(pid) : .failure(SpawnError(code: code))
  }
}
