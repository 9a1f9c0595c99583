import Basics
import Databricks
import Foundation

#if canImport(Glibc)
  package import Glibc
#elseif canImport(Darwin)
  package import Darwin
#endif

/// A program a test starts and talks to over pipes: the built `brickauth`, a D-Bus daemon.
///
/// It is started the way brickauth starts its own helpers (``ProcessSpawn``), not with Foundation's `Process`, which
/// on Linux reads `/proc/self/fd` on every launch and crashed now and then in a test process holding over a thousand
/// descriptors. Here the program gets exactly the environment it is given (secrets included: a test hands them on
/// purpose), its three pipes, and no other descriptor of the test process, so no other test's pipe or socket is
/// held open by it.
///
/// stdout and stderr are drained by threads of their own into locked buffers, never by the cooperative pool.
package final class ChildProcess: Sendable {
  package let processIdentifier: pid_t
  private let stdin: Locked<Int32?>
  private let stdoutBytes = Locked<[UInt8]>([])
  private let stderrBytes = Locked<[UInt8]>([])
  private let stdoutClosed = Locked(false)
  private let status = Locked<Int32?>(nil)

  package struct LaunchFailed: Error, CustomStringConvertible {
    package var description: String
  }

  /// Starts `arguments[0]` (a path, or a name looked up on the test process's `PATH`) with `environment` as its
  /// whole environment. With `readsStdout: false` the read end of stdout is closed at once, so the program's next
  /// write there fails with `EPIPE`.
  package init(_ arguments: [String], environment: [String: String], readsStdout: Bool = true) throws {
    Self.brokenPipesAreErrors
    var pipes: [[Int32]] = []
    for _ in 0..<3 {
      var fds: [Int32] = [-1, -1]
      guard pipe(&fds) == 0 else {
        pipes.joined().forEach { _ = close($0) }
        throw LaunchFailed(description: "pipe: \(String(cString: strerror(errno)))")
      }
      fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
      pipes.append(fds)
    }
    let spawned = ProcessSpawn.spawn(
      arguments,
      environment: [:],
      adding: environment,
      descriptors: .pipes(stdin: pipes[0][0], stdout: pipes[1][1], stderr: pipes[2][1]),
      newSession: false
    )
    [pipes[0][0], pipes[1][1], pipes[2][1]].forEach { _ = close($0) }
    switch spawned {
    case .success(let pid):
      processIdentifier = pid
    case .failure(let failure):
      [pipes[0][1], pipes[1][0], pipes[2][0]].forEach { _ = close($0) }
      throw LaunchFailed(description: "\(arguments.first ?? ""): \(failure.reason)")
    }
    stdin = Locked(pipes[0][1])
    Self.drain(pipes[2][0], into: stderrBytes, closed: nil)
    if readsStdout {
      Self.drain(pipes[1][0], into: stdoutBytes, closed: stdoutClosed)
    } else {
      close(pipes[1][0])
      stdoutClosed.withLock { $0 = true }
    }
  }

  /// A write to the stdin of a program that has exited must fail with `EPIPE`, not end the whole test run with
  /// `SIGPIPE`. The programs themselves start with the default disposition again (``ProcessSpawn``).
  private static let brokenPipesAreErrors: Void = {
    #if canImport(Glibc)
      _ = Glibc.signal(SIGPIPE, SIG_IGN)
    #else
      _ = Darwin.signal(SIGPIPE, SIG_IGN)
    #endif
  }()

  private static func drain(_ fd: Int32, into buffer: Locked<[UInt8]>, closed: Locked<Bool>?) {
    Thread {
      var chunk = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        buffer.withLock { $0.append(contentsOf: chunk[..<count]) }
      }
      close(fd)
      closed?.withLock { $0 = true }
    }
    .start()
  }

  /// Writes every byte to the program's stdin; bytes for a program that closed it are dropped.
  package func write(_ bytes: [UInt8]) {
    stdin.withLock { fd in
      guard let fd else { return }
      var offset = 0
      while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { buffer in
          #if canImport(Glibc)
            Glibc.write(fd, buffer.baseAddress, buffer.count)
          #else
            Darwin.write(fd, buffer.baseAddress, buffer.count)
          #endif
        }
        if sent < 0 && errno == EINTR { continue }
        guard sent > 0 else { return }
        offset += sent
      }
    }
  }

  package func closeStdin() {
    stdin.withLock { fd in
      if let open = fd { close(open) }
      fd = nil
    }
  }

  package func signal(_ signal: Int32) {
    if exitStatus == nil { Self.send(signal, to: processIdentifier) }
  }

  private static func send(_ signal: Int32, to pid: pid_t) {
    #if canImport(Glibc)
      _ = Glibc.kill(pid, signal)
    #else
      _ = Darwin.kill(pid, signal)
    #endif
  }

  /// The exit status (128 + the signal that ended it, as a shell reports it) once the program has ended, reaping it;
  /// `nil` while it runs.
  package var exitStatus: Int32? {
    status.withLock { status in
      if status == nil { status = ProcessSpawn.exitStatusIfEnded(processIdentifier) }
      return status
    }
  }

  /// Ends the program with `SIGKILL` if it still runs, and reaps it.
  package func kill() {
    status.withLock { status in
      if status == nil { status = ProcessSpawn.exitStatusIfEnded(processIdentifier) }
      guard status == nil else { return }
      Self.send(SIGKILL, to: processIdentifier)
      status = ProcessSpawn.wait(processIdentifier)
    }
  }

  package var stdout: [UInt8] { stdoutBytes.withLock { $0 } }
  package var stderr: [UInt8] { stderrBytes.withLock { $0 } }
  /// Whether the program's stdout is closed and everything it wrote there has been read.
  package var stdoutIsDrained: Bool { stdoutClosed.withLock { $0 } }

  deinit {
    closeStdin()
    kill()
  }
}
