import Foundation

/// LSP base-protocol framing: `Content-Length: N\r\n` (other headers ignored) `\r\n`, then N bytes.
///
/// A body larger than the limit is skipped byte for byte and reported as oversized, like an over-long line.
/// Broken headers (no usable `Content-Length`) are reported as oversized too and skipped up to the blank line:
/// the client then gets an error instead of a hang.
struct LSPFramer {
  private let maxMessageBytes: Int
  private var headerBytes: [UInt8] = []
  private var body: [UInt8] = []
  /// Bytes of body still expected; `nil` while reading headers.
  private var remaining: Int?
  private var discardingBody = false

  init(maxMessageBytes: Int) {
    self.maxMessageBytes = maxMessageBytes
  }

  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (LineFramer.Event) -> Void) {
    var index = chunk.startIndex
    while index < chunk.endIndex {
      if let needed = remaining {
        let take = min(needed, chunk.endIndex - index)
        if !discardingBody { body.append(contentsOf: chunk[index..<(index + take)]) }
        index += take
        remaining = needed - take
        if remaining == 0 { completeBody(emit) }
      } else {
        headerBytes.append(chunk[index])
        index += 1
        if headerBytes.count > 8192 {
          headerBytes.removeAll()
          emit(.oversized)
        } else if headerBytes.suffix(4).elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) {
          startBody(emit)
        }
      }
    }
  }

  mutating func finish(_ emit: (LineFramer.Event) -> Void) {
    if remaining != nil || !headerBytes.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) {
      // Input ended inside a message: it cannot be answered meaningfully, but it must not vanish silently.
      emit(.oversized)
    }
  }

  private mutating func startBody(_ emit: (LineFramer.Event) -> Void) {
    let text = String(decoding: headerBytes, as: UTF8.self)
    headerBytes.removeAll()
    var length: Int?
    for line in text.split(separator: "\r\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2, parts[0].trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == "content-length" {
        length = Int(parts[1].trimmingCharacters(in: [" ", "\t"]))
      }
    }
    guard let length, length >= 0 else {
      emit(.oversized)
      return
    }
    discardingBody = length > maxMessageBytes
    body.removeAll(keepingCapacity: true)
    if length == 0 {
      remaining = nil
      return
    }
    remaining = length
  }

  private mutating func completeBody(_ emit: (LineFramer.Event) -> Void) {
    remaining = nil
    if discardingBody {
      discardingBody = false
      emit(.oversized)
    } else {
      emit(.line(body[...]))
      body.removeAll(keepingCapacity: body.capacity <= 1 << 20)
    }
  }
}
