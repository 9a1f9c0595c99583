import Basics
import Databricks

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The refused token `brickauth token --rejected-token-stdin` reads: one line on stdin (a final `\n` or `\r\n` is
/// dropped, as `echo` and `printf '%s\n'` add one), at most ``Databricks/RejectedTokenDecision/maximumTokenBytes``.
///
/// stdin, not an argument: a token on a command line is visible to every user through `ps`.
enum RejectedTokenInput {
  /// Why stdin does not hold one token; the text never quotes what was read.
  enum Problem: Error, Equatable {
    case empty
    case severalLines
    case tooLong

    var reason: String {
      switch self {
      case .empty: "no token on stdin"
      case .severalLines: "more than one line on stdin"
      case .tooLong: "more than \(RejectedTokenDecision.maximumTokenBytes) bytes on stdin"
      }
    }
  }

  /// The token in `bytes`, everything stdin held (or the first bytes past the limit).
  static func token(in bytes: [UInt8]) -> Result<String, Problem> {
    var line = bytes[...]
    if line.last == UInt8(ascii: "\n") { line = line.dropLast() }
    if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
    guard line.count <= RejectedTokenDecision.maximumTokenBytes else { return .failure(.tooLong) }
    guard !line.isEmpty else { return .failure(.empty) }
    guard !line.contains(UInt8(ascii: "\n")), !line.contains(UInt8(ascii: "\r")) else {
      return .failure(.severalLines)
    }
    return .success(String(decoding: line, as: UTF8.self))
  }

  /// Reads stdin to its end, or until it holds more than a token and its line ending can: more is refused unread.
  static func read(from fd: Int32 = STDIN_FILENO) -> Result<String, Problem> {
    let limit = RejectedTokenDecision.maximumTokenBytes + 3
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    while bytes.count < limit {
      let count = chunk.withUnsafeMutableBytes { FileDescriptorIO.read(fd, into: $0) }
      guard count > 0 else { break }
      bytes += chunk[..<count]
    }
    return token(in: bytes)
  }
}
