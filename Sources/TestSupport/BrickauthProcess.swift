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
  private let process: Process
  private let stdinHandle: FileHandle
  private let stdoutBytes = Locked<[UInt8]>([])
  private let stderrBytes = Locked<[UInt8]>([])
  private let stdoutClosed = Locked(false)

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

  private init(process: Process, stdinHandle: FileHandle) {
    self.process = process
    self.stdinHandle = stdinHandle
  }

  /// Starts the executable. `environment` replaces the inherited one entirely (so the user's real
  /// `DATABRICKS_*` variables and files never leak into a test); `HOME` defaults to a fresh scratch directory.
  package static func launch(
    arguments: [String] = [],
    environment: [String: String] = [:],
    stdoutReader: Bool = true
  ) throws -> BrickauthProcess {
    let process = Process()
    process.executableURL = executableURL
    process.arguments = arguments
    var env = environment
    if env["HOME"] == nil { env["HOME"] = try ScratchDirectory.make(prefix: "home").path }
    if env["PATH"] == nil { env["PATH"] = "/usr/bin:/bin" }
    process.environment = env
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let child = BrickauthProcess(process: process, stdinHandle: stdin.fileHandleForWriting)
    drain(stderr.fileHandleForReading, into: child.stderrBytes, closed: nil)
    if stdoutReader {
      drain(stdout.fileHandleForReading, into: child.stdoutBytes, closed: child.stdoutClosed)
    } else {
      // Close our read end: the child's next write to stdout fails with EPIPE.
      try stdout.fileHandleForReading.close()
      child.stdoutClosed.withLock { $0 = true }
    }
    return child
  }

  private static func drain(_ handle: FileHandle, into buffer: Locked<[UInt8]>, closed: Locked<Bool>?) {
    let thread = Thread {
      while true {
        let data = handle.availableData
        if data.isEmpty { break }
        buffer.withLock { $0.append(contentsOf: data) }
      }
      closed?.withLock { $0 = true }
    }
    thread.start()
  }

  /// Writes `text` plus a newline to the child's stdin.
  package func send(_ text: String, newline: Bool = true) {
    sendBytes(Array((newline ? text + "\n" : text).utf8))
  }

  package func sendBytes(_ bytes: [UInt8]) {
    try? stdinHandle.write(contentsOf: Data(bytes))
  }

  package func closeStdin() {
    try? stdinHandle.close()
  }

  package func signal(_ signal: Int32) {
    kill(process.processIdentifier, signal)
  }

  /// The child's process id, for looking at it in `/proc`.
  package var processIdentifier: Int32 { process.processIdentifier }

  /// Everything printed on stdout so far.
  package var stdout: String { String(decoding: stdoutBytes.withLock { $0 }, as: UTF8.self) }
  /// Everything printed on stderr so far.
  package var stderr: String { String(decoding: stderrBytes.withLock { $0 }, as: UTF8.self) }

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

  /// Waits for the process to exit (bounded) and returns its status; a killed process reports the signal.
  package func waitForExit(timeoutSeconds: Double = 20) async throws -> Int32 {
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    while process.isRunning {
      guard Date() < deadline else {
        process.terminate()
        throw TestTimeout(what: "process exit")
      }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    // Let the drain threads read the last bytes.
    let drainDeadline = Date(timeIntervalSinceNow: 5)
    while !stdoutClosed.withLock({ $0 }) && Date() < drainDeadline { try await Task.sleep(nanoseconds: 2_000_000) }
    return process.terminationStatus
  }

  /// Whether the process exited because of a signal rather than by calling `exit`.
  package var terminatedBySignal: Bool { process.terminationReason == .uncaughtSignal }

  deinit {
    if process.isRunning { process.terminate() }
  }
}
