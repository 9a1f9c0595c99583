import Foundation
import JSON

/// LSP base-protocol framing: `Content-Length: N\r\n` (other headers ignored) `\r\n`, then N bytes.
///
/// A body larger than the limit is skipped byte for byte and reported as oversized, like an over-long line.
///
/// A wrong frame costs the client that frame only, never the session. The framer reports it as
/// ``LineFramer/Event/brokenFrame`` (answered as a parse error) and resynchronises on the next `Content-Length:`
/// header in the bytes after the broken frame's start; clients send frames back to back, with no newline between a
/// body and the next header, so the header is searched for anywhere, not at line starts. A frame is broken when:
/// - its header block has no usable `Content-Length` (missing, not plain decimal digits, more digits than any
///   length can have, or two different values), or a `Content-Length:` that does not start a line: the search
///   starts inside the header block. Such a block began in the remains of a damaged frame and ran on into the next
///   frame's header, which sits mid-line there;
/// - its length is too long: the body swallowed the next frame's header, so it does not parse as JSON; the search
///   starts inside that body, so the swallowed frame is read again from its header (also when the input ends first);
/// - its length is too short: the body is cut off and does not parse; what follows is the rest of that body, skipped
///   without a second answer up to the next header.
///
/// Checking a body means parsing it here and again in the connection; only LSP framing pays that, for exact answers.
struct LSPFramer {
  private let maxMessageBytes: Int
  private var headerBytes: [UInt8] = []
  private var body: [UInt8] = []
  /// Bytes of body still expected; `nil` while reading headers.
  private var remaining: Int?
  private var discardingBody = false
  /// After a broken frame: the bytes up to the next `Content-Length:` are its remains, skipped without an answer.
  private var resynchronising = false
  /// Bytes to read again, before the rest of the current chunk, after a broken frame that had a header inside.
  private var replay: [UInt8] = []

  private static let contentLengthHeader = Array("content-length:".utf8)
  private static let headerEnd: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
  private static let maxHeaderBytes = 8192
  /// Digits a length may have: more cannot be a message, and 18 digits always fit in an `Int`.
  private static let maxLengthDigits = 18

  init(maxMessageBytes: Int) {
    self.maxMessageBytes = maxMessageBytes
  }

  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (LineFramer.Event) -> Void) {
    let rest = consume(chunk[...], emit)
    guard !replay.isEmpty else { return }
    // The replayed bytes come first; whatever the chunk still held follows them.
    var pending = replay + rest
    replay = []
    while !pending.isEmpty {
      let left = pending.withUnsafeBytes { Array(consume($0[...], emit)) }
      pending = replay + left
      replay = []
    }
  }

  mutating func finish(_ emit: (LineFramer.Event) -> Void) {
    while remaining != nil, !discardingBody, let header = Self.contentLengthHeader(in: body[...], after: -1) {
      // A too-long length at the end of input: the frames it swallowed are still whole; read them again.
      emit(.brokenFrame)
      remaining = nil
      replay = Array(body[header...])
      body = []
      feed(UnsafeRawBufferPointer(start: nil, count: 0), emit)
    }
    if remaining != nil || !resynchronising && !headerBytes.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) {
      // Input ended inside a message: it cannot be answered meaningfully, but it must not vanish silently.
      emit(.oversized)
    }
  }

  /// Consumes bytes until they run out or a broken frame schedules a ``replay``; returns what is left unread.
  private mutating func consume(
    _ chunk: Slice<UnsafeRawBufferPointer>,
    _ emit: (LineFramer.Event) -> Void
  ) -> Slice<UnsafeRawBufferPointer> {
    var index = chunk.startIndex
    while index < chunk.endIndex, replay.isEmpty {
      if let needed = remaining {
        let take = min(needed, chunk.endIndex - index)
        if !discardingBody { body.append(contentsOf: chunk[index..<(index + take)]) }
        index += take
        remaining = needed - take
        if remaining == 0 { completeBody(emit) }
      } else {
        headerBytes.append(chunk[index])
        index += 1
        if resynchronising {
          skipToContentLength()
        } else if headerBytes.count > Self.maxHeaderBytes {
          brokenHeader(emit)
        } else if headerBytes.suffix(4).elementsEqual(Self.headerEnd) {
          startBody(emit)
        }
      }
    }
    return chunk[index...]
  }

  /// While resynchronising, keeps only what may be the start of `Content-Length:`; reading resumes at that header.
  private mutating func skipToContentLength() {
    if let header = Self.contentLengthHeader(in: headerBytes[...], after: -1) {
      headerBytes.removeSubrange(..<header)
      resynchronising = false
    } else if headerBytes.count >= Self.contentLengthHeader.count {
      headerBytes.removeFirst(headerBytes.count - Self.contentLengthHeader.count + 1)
    }
  }

  private mutating func startBody(_ emit: (LineFramer.Event) -> Void) {
    guard let length = Self.contentLength(in: headerBytes) else {
      brokenHeader(emit)
      return
    }
    headerBytes.removeAll()
    discardingBody = length > maxMessageBytes
    body.removeAll(keepingCapacity: true)
    if length == 0 {
      remaining = nil
      return
    }
    remaining = length
  }

  private mutating func brokenHeader(_ emit: (LineFramer.Event) -> Void) {
    emit(.brokenFrame)
    let frame = headerBytes
    headerBytes = []
    resynchronise(from: frame, searchingFrom: 1)
  }

  private mutating func completeBody(_ emit: (LineFramer.Event) -> Void) {
    remaining = nil
    if discardingBody {
      discardingBody = false
      emit(.oversized)
    } else if (try? JSONParser.parse(body)) != nil {
      emit(.line(body[...]))
    } else {
      emit(.brokenFrame)
      // A body may start with the next frame's header: the broken frame had no body at all.
      resynchronise(from: body, searchingFrom: 0)
    }
    body.removeAll(keepingCapacity: body.capacity <= 1 << 20)
  }

  /// Reads `bytes` again from the first `Content-Length:` at or after offset `start`, or skips ahead to the next
  /// one; the last bytes are kept for that search, as they may be the start of the name. A header block is searched
  /// from its second byte (its own header would be read again forever), a body from its first.
  private mutating func resynchronise(from bytes: [UInt8], searchingFrom start: Int) {
    if let header = Self.contentLengthHeader(in: bytes[...], after: start - 1) {
      replay = Array(bytes[header...])
    } else {
      resynchronising = true
      headerBytes = Array(bytes.dropFirst(start).suffix(Self.contentLengthHeader.count - 1))
    }
  }

  /// Where the first `Content-Length:` (any case) starting after offset `after` begins.
  private static func contentLengthHeader(in bytes: ArraySlice<UInt8>, after: Int) -> Int? {
    let name = contentLengthHeader
    var start = bytes.startIndex + after + 1
    while start + name.count <= bytes.endIndex {
      if zip(bytes[start..<(start + name.count)], name).allSatisfy({ lowercased($0) == $1 }) { return start }
      start += 1
    }
    return nil
  }

  private static func lowercased(_ byte: UInt8) -> UInt8 {
    (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
  }

  /// The header block's `Content-Length`, or `nil` when it has none, or one that is not plain decimal digits within
  /// range, or two different ones, or one that does not start a line: such a block cannot tell where the body ends.
  private static func contentLength(in headerBytes: [UInt8]) -> Int? {
    var found = -1
    while let header = contentLengthHeader(in: headerBytes[...], after: found) {
      var lineStart = header
      while lineStart > 0, headerBytes[lineStart - 1] == 0x20 || headerBytes[lineStart - 1] == 0x09 { lineStart -= 1 }
      guard lineStart == 0 || lineStart >= 2 && headerBytes[lineStart - 2] == 0x0D && headerBytes[lineStart - 1] == 0x0A
      else { return nil }
      found = header
    }
    var length: Int?
    for line in String(decoding: headerBytes, as: UTF8.self).split(separator: "\r\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == "content-length"
      else { continue }
      // Range-checked before converting: a length of more digits than any message can have is refused as is.
      let text = parts[1].trimmingCharacters(in: [" ", "\t"])
      guard (1...maxLengthDigits).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
        let value = Int(text), length == nil || length == value
      else { return nil }
      length = value
    }
    return length
  }
}
