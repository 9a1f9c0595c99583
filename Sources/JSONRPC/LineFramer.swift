/// Splits a byte stream into newline-delimited messages: a pure value, so framing needs no I/O to test.
///
/// The rules are the wire contract's: a trailing `\r` is dropped, blank and whitespace-only lines are skipped,
/// and a final line without `\n` is still a message once ``finish(_:)`` is called at EOF. A line longer than
/// `maxLineBytes` is discarded up to its `\n` and reported once as ``Event/oversized``, so one bad message
/// neither exhausts memory nor ends the session.
///
/// ```swift
/// var framer = LineFramer(maxLineBytes: 16 << 20)
/// framer.feed(chunk) { event in handle(event) }
/// framer.finish { event in handle(event) }  // at EOF
/// ```
package struct LineFramer {
  package enum Event: Equatable {
    /// One complete message, without its line terminator.
    case line(ArraySlice<UInt8>)
    /// A message longer than the limit was dropped.
    case oversized
    /// A frame whose header or declared length was wrong (LSP framing only): it was dropped, to be answered as a
    /// parse error.
    case brokenFrame
  }

  package let maxLineBytes: Int
  /// Bytes of the current, not yet terminated line.
  private var pending: [UInt8] = []
  /// True while skipping the rest of an oversized line.
  private var discarding = false

  package init(maxLineBytes: Int) {
    self.maxLineBytes = max(1, maxLineBytes)
  }

  /// Consumes a chunk read from the stream, emitting every event it completes.
  package mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (Event) -> Void) {
    let bytes = chunk.bindMemory(to: UInt8.self)
    var start = 0
    while start < bytes.count {
      guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
        append(UnsafeBufferPointer(rebasing: bytes[start...]))
        return
      }
      if pending.isEmpty && !discarding {
        // Fast path: the whole line is inside this chunk, so it is never copied into `pending`.
        let line = UnsafeBufferPointer(rebasing: bytes[start..<newline])
        if line.count > maxLineBytes {
          emit(.oversized)
        } else {
          Self.emitLine(Array(line)[...], emit)
        }
      } else {
        append(UnsafeBufferPointer(rebasing: bytes[start..<newline]))
        endLine(emit)
      }
      start = newline + 1
    }
  }

  /// Convenience for tests and in-memory callers.
  package mutating func feed(_ chunk: some Collection<UInt8>, _ emit: (Event) -> Void) {
    let array = Array(chunk)
    array.withUnsafeBytes { feed($0, emit) }
  }

  /// Flushes a final line that had no `\n` (end of input).
  package mutating func finish(_ emit: (Event) -> Void) {
    if discarding || !pending.isEmpty {
      endLine(emit)
    }
  }

  private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    if discarding { return }
    if pending.count + bytes.count > maxLineBytes {
      pending = []
      discarding = true
      return
    }
    pending.append(contentsOf: bytes)
  }

  private mutating func endLine(_ emit: (Event) -> Void) {
    if discarding {
      discarding = false
      emit(.oversized)
    } else {
      Self.emitLine(pending[...], emit)
    }
    pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
  }

  private static func emitLine(_ line: ArraySlice<UInt8>, _ emit: (Event) -> Void) {
    var line = line
    if line.last == 0x0D { line = line.dropLast() }
    // Skip blank and whitespace-only lines: editors and shells add them freely.
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
    emit(.line(line))
  }
}
