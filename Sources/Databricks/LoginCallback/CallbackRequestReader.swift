/// Collects the bytes of one connection until its request head is complete, then decides what the request is: a
/// pure value, fed whatever `recv` returned however the stream was split.
///
/// The listener answers one request per connection and closes it, so a body or a pipelined second request is never
/// read. The cap bounds what a client can make the listener buffer; it is generous because the request line
/// carries the authorization code and browsers send every `localhost` cookie (shared by all ports) with it.
package struct CallbackRequestReader: Sendable {
  package static let defaultMaxHeadBytes = 64 * 1024

  private let maxHeadBytes: Int
  private let expectedPath: String
  private var buffer: [UInt8] = []
  /// How far `buffer` has been searched for the blank line, so a slow sender costs no rescans.
  private var searched = 0

  package init(expectedPath: String = "/", maxHeadBytes: Int = defaultMaxHeadBytes) {
    self.expectedPath = expectedPath
    self.maxHeadBytes = maxHeadBytes
  }

  /// Adds bytes; returns the decision once the head is complete or too large, `nil` while more is needed.
  package mutating func feed(_ bytes: some Sequence<UInt8>) -> CallbackRequest? {
    buffer.append(contentsOf: bytes)
    // RFC 9112 §2.2: empty lines before the request line are ignored.
    if let start = buffer.firstIndex(where: { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }), start > 0 {
      buffer.removeFirst(start)
      searched = 0
    } else if buffer.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) {
      if buffer.count > maxHeadBytes { return .headTooLarge }
      return nil
    }
    guard let end = headEnd() else { return buffer.count > maxHeadBytes ? .headTooLarge : nil }
    guard end <= maxHeadBytes else { return .headTooLarge }
    return CallbackRequest.parse(head: buffer[..<end], expectedPath: expectedPath)
  }

  /// The index just past the blank line that ends the head, accepting bare LF line ends.
  private mutating func headEnd() -> Int? {
    let lineFeed = UInt8(ascii: "\n")
    var index = max(0, searched - 2)
    while index < buffer.count {
      if buffer[index] == lineFeed {
        if index + 1 < buffer.count, buffer[index + 1] == lineFeed { return index + 2 }
        if index + 2 < buffer.count, buffer[index + 1] == UInt8(ascii: "\r"), buffer[index + 2] == lineFeed {
          return index + 3
        }
      }
      index += 1
    }
    searched = buffer.count
    return nil
  }
}
