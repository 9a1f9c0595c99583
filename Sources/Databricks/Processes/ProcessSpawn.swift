#if canImport(Glibc)
  package import Glibc
#elseif canImport(Darwin)
  package import Darwin
#endif

/// `posix_spawnp` with the clean start every helper program of brickauth needs, whether it is left to run on its own
/// (``DetachedProcess``) or waited for (``BoundedProcess``).
///
/// - A clean signal state: an empty mask, and default dispositions for the signals a server commonly ignores
///   (`SIGPIPE` above all), which `exec` would otherwise pass on.
/// - No inherited descriptors of brickauth's own: its sockets and files are close-on-exec, and a program given
///   `/dev/null` or pipes gets nothing but its three standard descriptors, even one another thread opened without
///   close-on-exec a moment before (`POSIX_SPAWN_CLOEXEC_DEFAULT` on macOS, a close of every descriptor from 3 on with
///   glibc 2.34 and later).
/// - No credentials: the environment is passed through ``ChildEnvironment/withoutSecrets(_:)``.
package enum ProcessSpawn {
  package struct Failure: Error {
    package var code: Int32

    package var reason: String { String(cString: strerror(code)) }
  }

  /// How the program's standard descriptors are set up.
  package enum Descriptors {
    /// stdin, stdout and stderr are `/dev/null`.
    case null
    /// The program's stdin, stdout and stderr are these descriptors (ends of pipes the caller made).
    case pipes(stdin: Int32, stdout: Int32, stderr: Int32)
    /// The program shares brickauth's own stdin, stdout and stderr (a command run in brickauth's place).
    case inherited
  }

  /// Starts `arguments[0]` (a path, or a name looked up on `PATH`) with the rest as its arguments.
  ///
  /// - Parameters:
  ///   - added: variables set after the credentials were taken out of `environment`: only for what brickauth hands
  ///     the program on purpose (the way to its metadata-service endpoint, whose URL counts as a credential).
  ///   - newSession: put the program in a session of its own (or, where glibc cannot, a process group), so signals
  ///     aimed at brickauth's group do not reach it.
  package static func spawn(
    _ arguments: [String],
    environment: [String: String],
    adding added: [String: String] = [:],
    descriptors: Descriptors,
    newSession: Bool
  ) -> Result<pid_t, Failure> {
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

    switch descriptors {
    case .null:
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
      posix_spawn_file_actions_adddup2(&actions, 1, 2)
    case .pipes(let stdin, let stdout, let stderr):
      // dup2 clears close-on-exec on the copy, so exactly these three reach the program.
      posix_spawn_file_actions_adddup2(&actions, stdin, 0)
      posix_spawn_file_actions_adddup2(&actions, stdout, 1)
      posix_spawn_file_actions_adddup2(&actions, stderr, 2)
    case .inherited:
      break
    }
    if case .inherited = descriptors {
      // A command run in brickauth's place keeps what brickauth was given (a shell's `3>log`, say).
    } else {
      addCloseFromThree(&actions)
    }

    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    if newSession {
      flags |= setSession
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    let argv = arguments.map { strdup($0) } + [nil]
    let variables = ChildEnvironment.withoutSecrets(environment).merging(added) { _, new in new }
    let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
    if code == EINVAL, newSession {
      // glibc before 2.26 has no POSIX_SPAWN_SETSID: a new process group is the next best thing.
      flags = (flags & ~setSession) | Int32(POSIX_SPAWN_SETPGROUP)
      posix_spawnattr_setpgroup(&attributes, 0)
      posix_spawnattr_setflags(&attributes, Int16(flags))
      let retry = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
      return retry == 0 ? .success(pid) : .failure(Failure(code: retry))
    }
    return code == 0 ? .success(pid) : .failure(Failure(code: code))
  }

  #if canImport(Glibc)
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which `<spawn.h>` declares only under
    /// `_GNU_SOURCE`, so the Glibc module does not export it: it is looked up in the C library. `nil` on an older
    /// glibc, where close-on-exec is all there is.
    private static let addCloseFrom: AddCloseFrom? = dlsym(
      UnsafeMutableRawPointer(bitPattern: 0),
      "posix_spawn_file_actions_addclosefrom_np"
    ).map { unsafeBitCast($0, to: AddCloseFrom.self) }

    private static func addCloseFromThree(_ actions: inout posix_spawn_file_actions_t) {
      _ = addCloseFrom?(&actions, 3)
    }
  #else
    // `POSIX_SPAWN_CLOEXEC_DEFAULT` does it.
    private static func addCloseFromThree(_ actions: inout posix_spawn_file_actions_t?) {}
  #endif

  /// Waits for `pid` to end and returns its exit status, or 128 + the signal that ended it (as a shell reports it).
  package static func wait(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { return -1 }
    }
    return exitStatus(status)
  }

  /// `pid`'s exit status if it has ended (reaping it), `nil` while it runs.
  package static func exitStatusIfEnded(_ pid: pid_t) -> Int32? {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == pid { return exitStatus(status) }
    return result < 0 && errno != EINTR ? -1 : nil
  }

  private static func exitStatus(_ status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }
}
