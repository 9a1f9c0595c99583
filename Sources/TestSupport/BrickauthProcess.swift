import Basics
package import Foundation
package import JSON
import JSONRPC

/// The built `brickauth` executable running as a child process, driven over real pipes: the top rung of the test
/// ladder.
///
/// stdout and stderr are drained by dedicated threads into locked buffers, so a test can wait for lines, grep
/// everything the process printed, close stdin, send signals, and collect the exit status.
///
/// ```swift
/// let process = try BrickauthProcess.launch(arguments: ["--test-methods"])
/// process.send(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
/// let lines = try await process.waitForLines(1)
/// ```
package final class BrickauthProcess: Sendable {
  private let child: ChildProcess

  /// The built executable: next to the test bundle (`.build/<config>/brickauth`).
  package static var executableURL: URL {
    #if os(macOS)
      let directory =
        Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
        .deletingLastPathComponent() ?? Bundle.main.bundleURL
    #else
      let directory = Bundle.main.bundleURL
    #endif
    return directory.appendingPathComponent("brickauth")
  }

  private init(child: ChildProcess) {
    self.child = child
  }

  /// Starts the executable. `environment` replaces the inherited one entirely (so the user's real
  /// `DATABRICKS_*` variables and files never leak into a test); `HOME` defaults to a fresh scratch directory.
  package static func launch(
    arguments: [String] = [],
    environment: [String: String] = [:],
    stdoutReader: Bool = true
  ) throws -> BrickauthProcess {
    var env = environment
    if env["HOME"] == nil { env["HOME"] = try ScratchDirectory.make(prefix: "home").path }
    if env["PATH"] == nil { env["PATH"] = "/usr/bin:/bin" }
    let child = try ChildProcess([executableURL.path] + arguments, environment: env, readsStdout: stdoutReader)
    return BrickauthProcess(child: child)
  }

  /// Writes `text` plus a newline to the child's stdin.
  package func send(_ text: String, newline: Bool = true) {
    sendBytes(Array((newline ? text + "\n" : text).utf8))
  }

  package func sendBytes(_ bytes: [UInt8]) {
    child.write(bytes)
  }

  package func closeStdin() {
    child.closeStdin()
  }

  package func signal(_ signal: Int32) {
    child.signal(signal)
  }

  /// The child's process id, for looking at it in `/proc`.
  package var processIdentifier: Int32 { child.processIdentifier }

  /// Everything printed on stdout so far.
  package var stdout: String { String(decoding: child.stdout, as: UTF8.self) }
  /// Everything printed on stderr so far.
  package var stderr: String { String(decoding: child.stderr, as: UTF8.self) }

  /// Complete stdout lines so far (without the trailing partial line).
  package var lines: [String] {
    let text = stdout
    var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast()
    return parts
  }

  /// Complete stdout lines, parsed; an unparseable line is a test failure waiting to happen, so it is kept as a
  /// string marker rather than dropped.
  package var messages: [JSONValue] {
    lines.map { (try? JSONParser.parse(Array($0.utf8))) ?? .string("<unparseable: \($0)>") }
  }

  package func waitForLines(_ count: Int, timeoutSeconds: Double = 20) async throws -> [JSONValue] {
    try await waitUntil(timeoutSeconds: timeoutSeconds) { $0.count >= count }
  }

  package func waitUntil(
    timeoutSeconds: Double = 20,
    _ predicate: ([JSONValue]) -> Bool
  ) async throws -> [JSONValue] {
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    while true {
      let current = messages
      if predicate(current) { return current }
      guard Date() < deadline else { throw TestTimeout(what: "stdout condition; got: \(stdout.prefix(2000))") }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
  }

  /// Waits for the process to exit (bounded) and returns its status; a killed process reports 128 + the signal.
  package func waitForExit(timeoutSeconds: Double = 20) async throws -> Int32 {
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    while child.exitStatus == nil {
      guard Date() < deadline else {
        child.signal(SIGTERM)
        throw TestTimeout(what: "process exit")
      }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    // Let the drain threads read the last bytes.
    let drainDeadline = Date(timeIntervalSinceNow: 5)
    while !child.stdoutIsDrained && Date() < drainDeadline { try await Task.sleep(nanoseconds: 2_000_000) }
    return child.exitStatus ?? -1
  }
}
