#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One-line diagnostics on stderr, the only place logs may go (stdout carries protocol only).
///
/// Never pass secrets (tokens, codes, verifiers) here; callers log kinds and counts, not upstream text.
package enum StderrLog {
  package enum Level: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warning, error
    package static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  private static let thresholdBox = Locked(Level.warning)

  /// Messages below this level are dropped; set at startup from `--log-level`.
  package static var threshold: Level {
    get { thresholdBox.withLock { $0 } }
    set { thresholdBox.withLock { $0 = newValue } }
  }

  package static func debug(_ message: @autoclosure () -> String) { log(.debug, message) }
  package static func info(_ message: @autoclosure () -> String) { log(.info, message) }
  package static func warning(_ message: @autoclosure () -> String) { log(.warning, message) }
  package static func error(_ message: @autoclosure () -> String) { log(.error, message) }

  /// Writes one line to stderr with a single `write(2)`, so concurrent lines never interleave.
  package static func emit(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    FileDescriptorIO.writeAll(2, bytes)
  }

  private static func log(_ level: Level, _ message: () -> String) {
    guard level >= threshold else { return }
    emit("brickauth: \(level): \(message())")
  }
}
