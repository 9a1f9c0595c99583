/// Serialises ``JSONValue`` to UTF-8 bytes.
///
/// Compact output (the default) is one line by construction: no insignificant whitespace, and every control
/// character is escaped, so a value can be framed by a trailing `\n` on the wire. U+2028 and U+2029 are escaped
/// too (as Go's `encoding/json` does) because some line readers, such as Python's `str.splitlines`, treat them as
/// line breaks. `/` is not escaped and other non-ASCII text is written as raw UTF-8.
///
/// Object keys are sorted by their UTF-8 bytes so the same value always produces the same bytes (stable tests,
/// stable files). Doubles use Swift's shortest round-trip form (`1.5`, `1000.0`, `1e+300`); non-finite doubles,
/// which JSON cannot represent, are written as `null`.
///
/// `pretty: true` reproduces Go's `json.MarshalIndent(v, "", "  ")` layout (two-space indent, `"key": value`,
/// `{}` and `[]` for empty containers, no trailing newline) because the Databricks CLI writes
/// `~/.databricks/token-cache.json` that way and files we rewrite should diff cleanly against its output.
package enum JSONWriter {
  /// Appends the serialised `value` to `buffer`.
  package static func write(_ value: JSONValue, into buffer: inout [UInt8], pretty: Bool = false) {
    withOutputBuffer { output in
      write(value, into: &output, pretty: pretty)
      buffer.append(contentsOf: output.written)
    }
  }

  /// The serialised `value` as bytes.
  package static func bytes(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
    withOutputBuffer { output in
      write(value, into: &output, pretty: pretty)
      return Array(output.written)
    }
  }

  /// The serialised `value` as a string.
  package static func string(_ value: JSONValue, pretty: Bool = false) -> String {
    withOutputBuffer { output in
      write(value, into: &output, pretty: pretty)
      return String(decoding: output.written, as: UTF8.self)
    }
  }

  /// Appends `string` as a quoted, escaped JSON string; for callers that assemble output by hand.
  package static func writeString(_ string: String, into buffer: inout [UInt8]) {
    withOutputBuffer { output in
      writeString(string, into: &output)
      buffer.append(contentsOf: output.written)
    }
  }

  /// Runs `body` with an output buffer whose first kilobyte lives on the stack.
  private static func withOutputBuffer<Result>(_ body: (inout OutputBuffer) -> Result) -> Result {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { storage in
      var output = OutputBuffer(initialStorage: storage)
      return body(&output)
    }
  }

  private static func writeString(_ string: String, into output: inout OutputBuffer) {
    let done: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
      writeEscaped(utf8, into: &output)
    }
    if done == nil {
      let utf8 = Array(string.utf8)
      utf8.withUnsafeBufferPointer { writeEscaped($0, into: &output) }
    }
  }

  // MARK: Structure

  /// Something still to be written once the tokens before it are out.
  ///
  /// Writing walks the value with an explicit stack of these instead of recursing, so the stack use of a write
  /// does not depend on how deeply the value nests (a parsed value may be 512 levels deep, and a recursive
  /// writer needs kilobytes per level in debug builds).
  private struct Pending {
    enum Kind {
      case element
      case member
      case close
    }

    // Laid out small (40 bytes) because every element and member is pushed and popped once.
    var kind: Kind
    /// Whether a "," precedes this element or member.
    var comma: Bool
    /// The closing bracket for `close`.
    var closer: UInt8 = 0
    /// The nesting depth of this element or member, or of the container this `close` ends (pretty indentation).
    /// At most `JSONParser.maximumDepth` for parsed values; 32 bits leave room for any value built in memory.
    var depth: Int32
    var key: String = ""
    var value: JSONValue = .null
  }

  private static func write(_ value: JSONValue, into output: inout OutputBuffer, pretty: Bool) {
    var pending = ScratchStack<Pending>()
    writeOrOpen(value, depth: 0, pending: &pending, into: &output)
    while !pending.isEmpty {
      let next = pending.pop()
      if next.comma { output.append(UInt8(ascii: ",")) }
      if pretty { writeNewline(indent: next.depth, into: &output) }
      switch next.kind {
      case .close:
        output.append(next.closer)
      case .element:
        writeOrOpen(next.value, depth: next.depth, pending: &pending, into: &output)
      case .member:
        writeString(next.key, into: &output)
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(UInt8(ascii: " ")) }
        writeOrOpen(next.value, depth: next.depth, pending: &pending, into: &output)
      }
    }
  }

  /// Writes a scalar or empty container completely; for a non-empty container writes the opening bracket and
  /// pushes its contents and closing bracket (in reverse, as `pending` is popped from the end).
  private static func writeOrOpen(
    _ value: JSONValue,
    depth: Int32,
    pending: inout ScratchStack<Pending>,
    into output: inout OutputBuffer
  ) {
    switch value {
    case .null: writeNull(into: &output)
    case .bool(let bool): writeBool(bool, into: &output)
    case .int(let int): writeInt(int, into: &output)
    case .double(let double): writeDouble(double, into: &output)
    case .string(let string): writeString(string, into: &output)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      if elements.isEmpty {
        output.append(UInt8(ascii: "]"))
        return
      }
      pending.push(Pending(kind: .close, comma: false, closer: UInt8(ascii: "]"), depth: depth))
      for position in elements.indices.reversed() {
        pending.push(Pending(kind: .element, comma: position != 0, depth: depth + 1, value: elements[position]))
      }
    case .object(let members):
      output.append(UInt8(ascii: "{"))
      if members.isEmpty {
        output.append(UInt8(ascii: "}"))
        return
      }
      pending.push(Pending(kind: .close, comma: false, closer: UInt8(ascii: "}"), depth: depth))
      let first = pending.count
      for (key, member) in members {
        pending.push(Pending(kind: .member, comma: true, depth: depth + 1, key: key, value: member))
      }
      // Descending, so that popping from the end yields ascending keys.
      pending.sort(from: first) { utf8Precedes($1.key, $0.key) }
      pending.withTop { $0.comma = false }
    }
  }

  private static func writeNewline(indent: Int32, into output: inout OutputBuffer) {
    output.append(UInt8(ascii: "\n"))
    for _ in 0..<indent {
      output.append(UInt8(ascii: " "))
      output.append(UInt8(ascii: " "))
    }
  }

  // MARK: Scalars

  /// Orders by UTF-8 bytes (equivalently, by Unicode scalar values) rather than `String.<`, which compares
  /// canonically-normalised text and so would not give a plain byte order.
  private static func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
    let fast = lhs.utf8.withContiguousStorageIfAvailable { left in
      rhs.utf8.withContiguousStorageIfAvailable { right in
        let common = min(left.count, right.count)
        for offset in 0..<common where left[offset] != right[offset] {
          return left[offset] < right[offset]
        }
        return left.count < right.count
      }
    }
    if let fast, let result = fast { return result }
    return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
  }

  private static func writeNull(into output: inout OutputBuffer) {
    output.append("null")
  }

  private static func writeBool(_ bool: Bool, into output: inout OutputBuffer) {
    output.append(bool ? "true" : "false")
  }

  private static func writeInt(_ int: Int64, into output: inout OutputBuffer) {
    if int >= 0 && int < 10 {
      output.append(UInt8(ascii: "0") + UInt8(int))
      return
    }
    if int < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = int.magnitude
    // UInt64.max has 20 digits.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var start = 20
      repeat {
        start -= 1
        digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude != 0
      output.append(UnsafeBufferPointer(rebasing: digits[start...]))
    }
  }

  private static func writeDouble(_ double: Double, into output: inout OutputBuffer) {
    guard double.isFinite else {
      writeNull(into: &output)
      return
    }
    // `description` is the shortest text that parses back to the same Double and is always valid JSON for a
    // finite value: it has a digit before any "." and writes exponents as "e+300" / "e-07".
    var description = double.description
    description.withUTF8 { output.append($0) }
  }

  @inline(__always)
  private static func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
  }

  private static func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>, into output: inout OutputBuffer) {
    output.append(UInt8(ascii: "\""))
    let count = utf8.count
    var runStart = 0
    var index = 0
    while true {
      index = firstSpecialByte(in: utf8, from: index)
      guard index < count else { break }
      let byte = utf8[index]
      let escape: UInt8
      switch byte {
      case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
      case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
      case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
      case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
      case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
      case 0x08: escape = UInt8(ascii: "b")
      case 0x0C: escape = UInt8(ascii: "f")
      case 0xE2:
        // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are E2 80 A8 / E2 80 A9.
        guard index + 2 < count, utf8[index + 1] == 0x80, utf8[index + 2] & 0xFE == 0xA8 else {
          index += 1
          continue
        }
        output.append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        output.append(#"\u202"#)
        output.append(utf8[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
        index += 3
        runStart = index
        continue
      default:
        output.append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        output.append(#"\u00"#)
        output.append(hexDigit(byte >> 4))
        output.append(hexDigit(byte & 0xF))
        index += 1
        runStart = index
        continue
      }
      output.append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
      output.append(UInt8(ascii: "\\"))
      output.append(escape)
      index += 1
      runStart = index
    }
    output.append(UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
    output.append(UInt8(ascii: "\""))
  }

  /// The offset, from `start` on, of the first byte that may need escaping: a control character, `"`, `\`, or
  /// 0xE2 (the lead byte of U+2028/U+2029); `utf8.count` if there is none.
  ///
  /// Tests eight bytes per step with the classic "has a byte less than n / equal to c" word tricks, since most
  /// strings (keys, ids, tokens) need no escaping at all and are then copied in one piece.
  @inline(__always)
  private static func firstSpecialByte(in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    guard let base = utf8.baseAddress else { return utf8.count }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highBits: UInt64 = 0x8080_8080_8080_8080
    var index = start
    while index + 8 <= utf8.count {
      let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
      let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
      let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
      let separatorLead = word ^ (ones &* 0xE2)
      // For each term, a high bit is set in some byte exactly when that byte is below the subtracted value
      // (0x20 for controls, 0x01 — that is, zero — for the XORed comparisons).
      let flags =
        ((word &- ones &* 0x20) & ~word) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
        | ((separatorLead &- ones) & ~separatorLead)
      if flags & highBits != 0 { break }
      index += 8
    }
    while index < utf8.count {
      let byte = utf8[index]
      if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2 { return index }
      index += 1
    }
    return index
  }
}
