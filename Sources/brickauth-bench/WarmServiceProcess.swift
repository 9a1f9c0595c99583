import Foundation
import JSON

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A warm `brickauth` child driven one line at a time: write a request, read its answer, as an editor would.
final class WarmServiceProcess {
  let pid: pid_t
  private let input: Int32
  private let output: Int32
  private var pending: [UInt8] = []

  init(executable: String, environment: [String]) {
    var stdinPipe: [Int32] = [0, 0]
    var stdoutPipe: [Int32] = [0, 0]
    _ = pipe(&stdinPipe)
    _ = pipe(&stdoutPipe)
    // Close-on-exec, so a session started later does not inherit this one's ends (the dup2 copies are kept): with
    // several sessions at once, an inherited write end would keep this child from ever seeing EOF.
    for fd in stdinPipe + stdoutPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, stdinPipe[1])
    posix_spawn_file_actions_addclose(&actions, stdoutPipe[0])
    let argv = [strdup(executable), nil]
    let envp = environment.map { strdup($0) } + [nil]
    var pid: pid_t = 0
    precondition(posix_spawn(&pid, executable, &actions, nil, argv, envp) == 0, "cannot start \(executable)")
    posix_spawn_file_actions_destroy(&actions)
    for pointer in argv + envp { free(pointer) }
    close(stdinPipe[0])
    close(stdoutPipe[1])
    self.pid = pid
    input = stdinPipe[1]
    output = stdoutPipe[0]
  }

  /// Writes `lines` (each a request) in one go.
  func send(_ lines: [String]) {
    let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
      precondition(written > 0, "the child stopped reading")
      offset += written
    }
  }

  /// Reads the next line of output, parsed.
  func readMessage() -> JSONValue {
    (try? JSONParser.parse(readLine()[...])) ?? .null
  }

  /// Reads the next line of output, without its newline. Only newly read bytes are searched for the newline, so a
  /// line of many megabytes (an audit of a fleet) costs its length, not its length squared.
  func readLine() -> [UInt8] {
    var searched = 0
    while true {
      if let newline = pending[searched...].firstIndex(of: 0x0A) {
        let line = Array(pending[..<newline])
        pending.removeSubrange(...newline)
        return line
      }
      searched = pending.count
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      let count = read(output, &buffer, buffer.count)
      precondition(count > 0, "the child closed its output")
      pending += buffer[0..<count]
    }
  }

  /// Sends one request and waits for its response (skipping notifications).
  func call(_ request: String) -> JSONValue {
    send([request])
    while true {
      let message = readMessage()
      if message["method"] == nil { return message }
    }
  }

  /// Closes stdin and waits for the exit.
  func finish() {
    close(input)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    close(output)
  }
}
