import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a short helper program (the OS keyring's command-line tools) to its end: stdin fed from bytes, stdout and
/// stderr captured, and the program killed when it overruns its deadline.
///
/// Secrets travel through the pipes, never through the command line, where `ps` shows them to every user.
///
/// The work happens on a thread of its own (a `poll` loop over the three pipes and the program's exit), never on a task of
/// the cooperative pool, so a keyring waiting on D-Bus or a password prompt cannot starve unrelated requests. A
/// program still running at the deadline gets `SIGKILL`: the keyring tools hold nothing that needs a clean exit,
/// and a hung D-Bus call would ignore anything gentler.
///
/// That thread blocks `SIGPIPE` for itself: a program that exits before reading all of its stdin (a tool that fails
/// before it reads) makes the write fail with `EPIPE` instead of killing whatever process hosts this code. The
/// signal stays pending on the thread and is discarded with it.
package enum BoundedProcess {
  /// What the program left behind.
  package struct Output: Sendable, Equatable {
    /// The exit status, or 128 + the signal that ended it.
    package var status: Int32
    package var stdout: [UInt8]
    package var stderr: [UInt8]

    package init(status: Int32, stdout: [UInt8], stderr: [UInt8]) {
      self.status = status
      self.stdout = stdout
      self.stderr = stderr
    }

    /// stderr as text without surrounding white space, for error messages (the tools never print secrets there).
    package var errorText: String {
      String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  package enum Failure: Error, Equatable, Sendable {
    /// The program could not be started (not installed, not executable).
    case launchFailed(executable: String, reason: String)
    /// The program was still running at the deadline and was killed.
    case timedOut(seconds: Double)
  }

  /// At most this much of stdout and of stderr is kept; the rest is read and dropped, so a runaway program can
  /// neither block on a full pipe nor fill memory.
  static let outputLimit = 1 << 20

  /// Runs `arguments` with `input` on its stdin and `environment`, minus its credentials (see ``ChildEnvironment``),
  /// as its whole environment. The first argument is a
  /// path, or a name looked up on brickauth's own `PATH` (`posix_spawnp` searches the caller's, not `environment`'s).
  package static func run(
    _ arguments: [String],
    input: [UInt8] = [],
    environment: [String: String],
    timeoutSeconds: Double
  ) async throws(Failure) -> Output {
    let executable = arguments.first ?? ""
    let result: Result<Output, Failure> = await withCheckedContinuation { continuation in
      let thread = Thread {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        continuation.resume(
          returning: runBlocking(arguments, input: input, environment: environment, timeoutSeconds: timeoutSeconds)
        )
      }
      thread.name = "brickauth.process.\(URL(fileURLWithPath: executable).lastPathComponent)"
      thread.start()
    }
    return try result.get()
  }

  private static func runBlocking(
    _ arguments: [String],
    input: [UInt8],
    environment: [String: String],
    timeoutSeconds: Double
  ) -> Result<Output, Failure> {
    let executable = arguments.first ?? ""
    guard !executable.isEmpty else { return .failure(.launchFailed(executable: "", reason: "no program to run")) }
    // [read, write] for each: the program reads stdin[0] and writes stdout[1] and stderr[1].
    var pipes: [[Int32]] = []
    for _ in 0..<3 {
      var fds: [Int32] = [-1, -1]
      guard pipe(&fds) == 0 else {
        let reason = String(cString: strerror(errno))
        pipes.joined().forEach { _ = close($0) }
        return .failure(.launchFailed(executable: executable, reason: "pipe: \(reason)"))
      }
      fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
      pipes.append(fds)
    }
    let (stdin, stdout, stderr) = (pipes[0], pipes[1], pipes[2])
    let spawned = ProcessSpawn.spawn(
      arguments,
      environment: environment,
      descriptors: .pipes(stdin: stdin[0], stdout: stdout[1], stderr: stderr[1]),
      newSession: false
    )
    // The program's ends are its own now (or nobody's).
    [stdin[0], stdout[1], stderr[1]].forEach { _ = close($0) }
    guard case .success(let pid) = spawned else {
      [stdin[1], stdout[0], stderr[0]].forEach { _ = close($0) }
      if case .failure(let failure) = spawned {
        return .failure(.launchFailed(executable: executable, reason: failure.reason))
      }
      return .failure(.launchFailed(executable: executable, reason: "unknown"))
    }
    for fd in [stdin[1], stdout[0], stderr[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

    var streams = Streams(input: input, stdin: stdin[1], stdout: stdout[0], stderr: stderr[0])
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    // The run ends when the program has exited (not when its outputs close: a program may close them and carry
    // on, and one that exited may have left a child holding them), or at the deadline.
    var status: Int32?
    while status == nil {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { break }
      let waiting = Int32(min(remaining * 1000, 50).rounded(.up))
      if streams.isOpen {
        streams.pump(waitingMilliseconds: waiting)
      } else {
        usleep(useconds_t(min(waiting, 2) * 1000))
      }
      status = ProcessSpawn.exitStatusIfEnded(pid)
    }
    guard let status else {
      _ = kill(pid, SIGKILL)
      streams.closeAll()
      _ = ProcessSpawn.wait(pid)
      return .failure(.timedOut(seconds: timeoutSeconds))
    }
    // What the program wrote just before it exited is still in the pipes.
    streams.pump(waitingMilliseconds: 0)
    streams.closeAll()
    return .success(Output(status: status, stdout: streams.stdoutBytes, stderr: streams.stderrBytes))
  }

  /// The parent's ends of the three pipes and what has passed through them.
  private struct Streams {
    var input: [UInt8]
    var written = 0
    var stdin: Int32
    var stdout: Int32
    var stderr: Int32
    var stdoutBytes: [UInt8] = []
    var stderrBytes: [UInt8] = []

    init(input: [UInt8], stdin: Int32, stdout: Int32, stderr: Int32) {
      self.input = input
      self.stdin = stdin
      self.stdout = stdout
      self.stderr = stderr
      if input.isEmpty { closeStdin() }
    }

    /// Until the program has closed both outputs (it usually exits right after).
    var isOpen: Bool { stdout >= 0 || stderr >= 0 }

    mutating func pump(waitingMilliseconds: Int32) {
      var fds: [pollfd] = []
      if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
      if stdout >= 0 { fds.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
      if stderr >= 0 { fds.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
      let ready = poll(&fds, nfds_t(fds.count), waitingMilliseconds)
      guard ready > 0 else { return }
      for entry in fds where entry.revents != 0 {
        if entry.fd == stdin {
          writeInput()
        } else if entry.fd == stdout {
          Self.drain(&stdout, into: &stdoutBytes)
        } else if entry.fd == stderr {
          Self.drain(&stderr, into: &stderrBytes)
        }
      }
    }

    private mutating func writeInput() {
      let count = input.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return 0 }
        return write(stdin, base + written, buffer.count - written)
      }
      if count > 0 { written += count }
      // The program may exit without reading everything (EPIPE): stop feeding it either way.
      if written == input.count || (count < 0 && errno != EAGAIN && errno != EINTR) { closeStdin() }
    }

    private mutating func closeStdin() {
      if stdin >= 0 { _ = close(stdin) }
      stdin = -1
    }

    /// Reads what is there, at most 256 KiB, so a program that writes without end still lets the loop look at the
    /// clock; closes `fd` (and sets it to -1) at end of file or on an error.
    private static func drain(_ fd: inout Int32, into bytes: inout [UInt8]) {
      var chunk = [UInt8](repeating: 0, count: 16_384)
      for _ in 0..<16 {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
          bytes.append(contentsOf: chunk[..<min(count, max(0, outputLimit - bytes.count))])
          continue
        }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
        _ = close(fd)
        fd = -1
        return
      }
    }

    mutating func closeAll() {
      closeStdin()
      for fd in [stdout, stderr] where fd >= 0 { _ = close(fd) }
      stdout = -1
      stderr = -1
    }
  }
}
