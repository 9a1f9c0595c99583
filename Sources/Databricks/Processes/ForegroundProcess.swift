import Basics
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a command in brickauth's place (`brickauth exec`) and reports how it ended, as a shell would.
///
/// - stdin, stdout and stderr are brickauth's own, and the command stays in brickauth's process group, so it keeps
///   the terminal (an interactive program can read it).
/// - `SIGINT`, `SIGTERM` and `SIGHUP` sent to brickauth are passed on to the command, which decides how to end:
///   a supervisor that stops brickauth stops the command, and brickauth outlives it to report its status. A signal
///   that arrives before the command has started is delivered as soon as it has. A Ctrl-C at a terminal reaches
///   the whole group, so the command may see that one twice (once from the terminal, once passed on), as it does
///   under other wrappers that pass signals on.
/// - The command is a path or a name looked up on brickauth's `PATH` (`posix_spawnp`, never a shell), and its
///   arguments are passed as they are.
/// - The environment loses every credential and everything that chooses one
///   (``ChildEnvironment/withoutCredentialChoices(_:)``); `added` is then set on top of it.
///
/// The wait blocks the calling thread (the executable's main thread, which has nothing else to do meanwhile).
package enum ForegroundProcess {
  /// The command could not be started (not found, not executable).
  package struct LaunchFailure: Error, Equatable, Sendable {
    package var executable: String
    /// The `errno` value: `ENOENT` when there is no such command.
    package var code: Int32

    package var reason: String { String(cString: strerror(code)) }
  }

  /// Whether the command runs yet, so a signal can be passed on, kept for later, or dropped once it has ended (its
  /// process id may then belong to someone else).
  private enum CommandState {
    case starting(pending: [Int32])
    case running(pid_t)
    case ended
  }

  /// The signals passed on to the command.
  package static let forwardedSignals = [SIGINT, SIGTERM, SIGHUP]

  /// Runs `arguments` to its end.
  ///
  /// - Returns: the command's exit status, or 128 + the number of the signal that ended it.
  package static func run(
    _ arguments: [String],
    environment: [String: String],
    adding added: [String: String]
  ) -> Result<Int32, LaunchFailure> {
    guard let executable = arguments.first, !executable.isEmpty else {
      return .failure(LaunchFailure(executable: "", code: ENOENT))
    }
    // A parent that left SIGCHLD ignored would have the kernel reap the command itself, and its status be lost.
    let previousChildHandler = signal(SIGCHLD, SIG_DFL)
    defer { signal(SIGCHLD, previousChildHandler) }
    let state = Locked(CommandState.starting(pending: []))
    var sources: [any DispatchSourceSignal] = []
    var restoreHandlers: [() -> Void] = []
    for signalNumber in forwardedSignals {
      let previous = signal(signalNumber, SIG_IGN)
      restoreHandlers.append { _ = signal(signalNumber, previous) }
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        state.withLock { current in
          switch current {
          case .starting(let pending): current = .starting(pending: pending + [signalNumber])
          case .running(let pid): _ = kill(pid, signalNumber)
          case .ended: break
          }
        }
      }
      source.resume()
      sources.append(source)
    }
    defer {
      sources.forEach { $0.cancel() }
      restoreHandlers.forEach { $0() }
    }

    let spawned = ProcessSpawn.spawn(
      arguments,
      environment: ChildEnvironment.withoutCredentialChoices(environment),
      adding: added,
      descriptors: .inherited,
      newSession: false
    )
    guard case .success(let pid) = spawned else {
      state.withLock { $0 = .ended }
      if case .failure(let failure) = spawned {
        return .failure(LaunchFailure(executable: executable, code: failure.code))
      }
      return .failure(LaunchFailure(executable: executable, code: EINVAL))
    }
    state.withLock { current in
      if case .starting(let pending) = current {
        for signalNumber in pending { _ = kill(pid, signalNumber) }
      }
      current = .running(pid)
    }
    // Marked ended under the lock before the process is reaped, so no signal goes to a reused process id.
    var status: Int32 = 0
    while true {
      var info = siginfo_t()
      // Waits without reaping; the reap below happens once no signal can be passed on any more.
      if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0 { break }
      guard errno == EINTR else { break }
    }
    state.withLock { current in
      current = .ended
      status = ProcessSpawn.wait(pid)
    }
    return .success(status)
  }
}
