package import Foundation

/// A strict RFC 8259 parser from UTF-8 bytes to ``JSONValue``.
///
/// The input must be exactly one JSON value, optionally surrounded by space, tab, CR or LF. Decisions a caller
/// may notice:
/// - Numbers: an integer literal (no fraction, no exponent) that fits `Int64` becomes ``JSONValue/int(_:)``
///   (`-0` becomes `.int(0)`); every other number becomes ``JSONValue/double(_:)``, including integers beyond
///   `Int64` (rounded to the nearest `Double`). A number whose magnitude overflows `Double` (`1e400`) is rejected
///   as "number out of range" rather than turned into infinity, which JSON cannot represent.
/// - Strings: the input must be valid UTF-8 (no overlong forms, no UTF-8-encoded surrogates). A `\uXXXX` escape
///   naming a lone surrogate is replaced by U+FFFD, as Go's `encoding/json` (and so the Databricks CLI) does,
///   because Swift strings cannot hold lone surrogates and rejecting a whole request for one is unhelpful.
/// - A leading byte order mark is rejected: RFC 8259 forbids senders to add one, and on a line-delimited
///   stream it would only ever appear on the first line.
/// - Duplicate object keys: the last one wins. Keys are Swift `String`s, so keys that are canonically
///   equivalent Unicode (precomposed vs. decomposed) are also treated as duplicates; a caller that must keep such
///   keys apart reads that object with ``parseObject(_:streamingMembersOf:_:)``.
/// - Nesting deeper than ``maximumDepth`` arrays/objects is rejected. The parser keeps open containers on explicit
///   heap stacks rather than recursing, so no input can overflow the thread's stack; the limit bounds the memory
///   hostile input (16 MiB of `[`) can make it use, and the recursion depth of code that later walks the value.
package enum JSONParser {
  /// The deepest array/object nesting accepted; 512 levels is far beyond any real request.
  package static let maximumDepth = 512

  /// Parses exactly one JSON value from `bytes`.
  package static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
    guard let base = bytes.baseAddress, !bytes.isEmpty else {
      throw JSONParseError(offset: 0, reason: Reason.endOfInput)
    }
    var parser = Parser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    return try parser.parseDocument()
  }

  package static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    try bytes.withUnsafeBytes { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
  }

  package static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONParseError) -> JSONValue {
    try bytes.withUnsafeBytes { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
  }

  package static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
    try data.withUnsafeBytes { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
  }

  /// Parses a top-level object, but hands each element of its array member `arrayKey` to `element` as soon as it is
  /// parsed instead of building that array; returns the other members.
  ///
  /// For answers that are one huge list (`{"token_infos": [50,000 objects]}`): the caller converts each element
  /// and drops it, so the whole tree never exists at once. A missing or non-array member is simply returned.
  package static func parseObject(
    _ data: Data,
    streamingArray arrayKey: String,
    _ element: (JSONValue) throws(JSONParseError) -> Void
  ) throws(JSONParseError) -> [String: JSONValue] {
    try withParser(data) { parser throws(JSONParseError) in
      try parser.parseObject(special: arrayKey) { parser throws(JSONParseError) in
        try parser.streamArray(element)
      }
    }
  }

  /// Parses a top-level object, but hands each member of its object member `objectKey` to `member`, in document
  /// order and duplicates included, instead of building that object; returns the other members, with an empty
  /// object under `objectKey` when it was an object (a missing or non-object member is simply returned).
  ///
  /// For objects whose keys must stay apart byte for byte: ``JSONValue/object(_:)`` is keyed by Swift `String`s,
  /// which merge canonically equivalent keys (`café` precomposed and decomposed), while a Go map keeps them apart.
  package static func parseObject(
    _ bytes: [UInt8],
    streamingMembersOf objectKey: String,
    _ member: (String, JSONValue) throws(JSONParseError) -> Void
  ) throws(JSONParseError) -> [String: JSONValue] {
    var streamed = false
    var members = try withParser(Data(bytes)) { parser throws(JSONParseError) in
      try parser.parseObject(special: objectKey) { parser throws(JSONParseError) in
        streamed = try parser.streamMembers(member)
        return streamed
      }
    }
    if streamed { members[objectKey] = .object([:]) }
    return members
  }

  private static func withParser<Result>(
    _ data: Data,
    _ body: (inout Parser) throws(JSONParseError) -> Result
  ) throws(JSONParseError) -> Result {
    try data.withUnsafeBytes { buffer in
      Swift.Result { () throws(JSONParseError) in
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
          throw JSONParseError(offset: 0, reason: Reason.endOfInput)
        }
        var parser = Parser(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        return try body(&parser)
      }
    }.get()
  }

  package static func parse(_ string: String) throws(JSONParseError) -> JSONValue {
    var string = string
    return try string.withUTF8 { buffer in
      Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(buffer)) }
    }.get()
  }
}

/// The fixed reasons; keeping them in one place keeps them short and free of input text.
private enum Reason {
  static let endOfInput = "unexpected end of input"
  static let unexpectedCharacter = "unexpected character"
  static let trailingCharacters = "trailing characters"
  static let byteOrderMark = "byte order mark not allowed"
  static let invalidLiteral = "invalid literal"
  static let invalidNumber = "invalid number"
  static let numberOutOfRange = "number out of range"
  static let invalidUTF8 = "invalid UTF-8"
  static let invalidEscape = "invalid escape"
  static let controlCharacter = "unescaped control character in string"
  static let expectedKey = "expected string key"
  static let expectedColon = "expected ':'"
  static let expectedCommaOrBracket = "expected ',' or ']'"
  static let expectedCommaOrBrace = "expected ',' or '}'"
  static let nestingTooDeep = "nesting too deep"
}

private enum ASCII {
  static let quote = UInt8(ascii: "\"")
  static let backslash = UInt8(ascii: "\\")
  static let slash = UInt8(ascii: "/")
  static let comma = UInt8(ascii: ",")
  static let colon = UInt8(ascii: ":")
  static let minus = UInt8(ascii: "-")
  static let plus = UInt8(ascii: "+")
  static let dot = UInt8(ascii: ".")
  static let zero = UInt8(ascii: "0")
  static let nine = UInt8(ascii: "9")
  static let openBracket = UInt8(ascii: "[")
  static let closeBracket = UInt8(ascii: "]")
  static let openBrace = UInt8(ascii: "{")
  static let closeBrace = UInt8(ascii: "}")
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let newline = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
}

/// Parser state over a borrowed buffer.
///
/// Works on a raw pointer with explicit bounds checks (every read is preceded by an `index < count` test) so the
/// hot loops compile to plain byte compares without Array bounds or uniqueness checks.
///
/// Nesting is handled with explicit stacks instead of recursion, so the stack use of a parse does not depend on
/// the input: a recursive parser needs over 2 KiB of stack per level in debug builds, which at the 512-level
/// limit overflows the 512 KiB stacks of secondary threads on macOS.
private struct Parser: ~Copyable {
  let base: UnsafePointer<UInt8>
  let count: Int
  var index = 0
  /// Reused for strings that contain escapes, so a document with many escaped strings allocates once.
  var scratch: [UInt8] = []
  /// The arrays and objects currently open, innermost last.
  var frames = ScratchStack<Frame>()
  /// The elements parsed so far of each open array, innermost last.
  var openArrays = ScratchStack<[JSONValue]>()
  /// The members parsed so far of all open objects, innermost last; the last one of an object whose value is
  /// being parsed holds a placeholder `null` value.
  var pendingMembers = ScratchStack<(key: String, value: JSONValue)>()

  struct Frame {
    var isObject: Bool
    /// For objects: the position of the object's first member in `pendingMembers`.
    var firstMember: Int
  }

  init(base: UnsafePointer<UInt8>, count: Int) {
    self.base = base
    self.count = count
  }

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
      throw JSONParseError(offset: 0, reason: Reason.byteOrderMark)
    }
    let value = try parseValue()
    skipWhitespace()
    guard index == count else { throw failure(Reason.trailingCharacters) }
    return value
  }

  /// Parses a top-level object whose member `specialKey` goes to `special` (which returns `false`, having consumed
  /// nothing, when that member's value is not the kind it streams) and returns the other members.
  mutating func parseObject(
    special specialKey: String,
    _ special: (inout Parser) throws(JSONParseError) -> Bool
  ) throws(JSONParseError) -> [String: JSONValue] {
    skipWhitespace()
    var members: [String: JSONValue] = [:]
    let isObject = try streamContainer(ASCII.openBrace, ASCII.closeBrace) { parser throws(JSONParseError) in
      let key = try parser.parseKey()
      parser.skipWhitespace()
      var streamed = false
      if key == specialKey { streamed = try special(&parser) }
      if !streamed { members[key] = try parser.parseValue() }
    }
    guard isObject else { throw failure(index < count ? Reason.unexpectedCharacter : Reason.endOfInput) }
    skipWhitespace()
    guard index == count else { throw failure(Reason.trailingCharacters) }
    return members
  }

  /// Hands each element of the array at `index` to `element`; `false` when no array starts there.
  mutating func streamArray(_ element: (JSONValue) throws(JSONParseError) -> Void) throws(JSONParseError) -> Bool {
    try streamContainer(ASCII.openBracket, ASCII.closeBracket) { parser throws(JSONParseError) in
      try element(try parser.parseValue())
    }
  }

  /// Hands each member of the object at `index` to `member`; `false` when no object starts there.
  mutating func streamMembers(
    _ member: (String, JSONValue) throws(JSONParseError) -> Void
  ) throws(JSONParseError) -> Bool {
    try streamContainer(ASCII.openBrace, ASCII.closeBrace) { parser throws(JSONParseError) in
      let key = try parser.parseKey()
      try member(key, try parser.parseValue())
    }
  }

  /// Consumes the array or object that opens with `open` at `index`, letting `item` parse each element or member
  /// in turn; `false`, having consumed nothing, when no such container starts there.
  mutating func streamContainer(
    _ open: UInt8,
    _ close: UInt8,
    _ item: (inout Parser) throws(JSONParseError) -> Void
  ) throws(JSONParseError) -> Bool {
    guard index < count, base[index] == open else { return false }
    index += 1
    skipWhitespace()
    if index < count, base[index] == close {
      index += 1
      return true
    }
    while true {
      try item(&self)
      skipWhitespace()
      guard index < count else { throw failure(Reason.endOfInput) }
      switch base[index] {
      case ASCII.comma: index += 1
      case close:
        index += 1
        return true
      default: throw failure(close == ASCII.closeBrace ? Reason.expectedCommaOrBrace : Reason.expectedCommaOrBracket)
      }
    }
  }

  func failure(_ reason: String, at offset: Int? = nil) -> JSONParseError {
    JSONParseError(offset: offset ?? index, reason: reason)
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while index < count {
      switch base[index] {
      case ASCII.space, ASCII.newline, ASCII.carriageReturn, ASCII.tab: index += 1
      default: return
      }
    }
  }

  /// Parses one complete value, including everything nested in it.
  mutating func parseValue() throws(JSONParseError) -> JSONValue {
    nextValue: while true {
      // Read one value, or open a container and go read its first value.
      var value: JSONValue
      skipWhitespace()
      guard index < count else { throw failure(Reason.endOfInput) }
      switch base[index] {
      case ASCII.quote:
        index += 1
        value = .string(try parseString())
      case ASCII.openBracket:
        try enterContainer()
        guard index < count else { throw failure(Reason.endOfInput) }
        if base[index] == ASCII.closeBracket {
          index += 1
          value = .array([])
        } else {
          frames.push(Frame(isObject: false, firstMember: 0))
          openArrays.push([])
          continue nextValue
        }
      case ASCII.openBrace:
        try enterContainer()
        guard index < count else { throw failure(Reason.endOfInput) }
        if base[index] == ASCII.closeBrace {
          index += 1
          value = .object([:])
        } else {
          frames.push(Frame(isObject: true, firstMember: pendingMembers.count))
          try beginMember()
          continue nextValue
        }
      case UInt8(ascii: "t"):
        try expectLiteral("true")
        value = .bool(true)
      case UInt8(ascii: "f"):
        try expectLiteral("false")
        value = .bool(false)
      case UInt8(ascii: "n"):
        try expectLiteral("null")
        value = .null
      case ASCII.minus, ASCII.zero...ASCII.nine:
        value = try parseNumber()
      default:
        throw failure(Reason.unexpectedCharacter)
      }

      // Add the value to the innermost open container; close every container that ends right after it.
      while !frames.isEmpty {
        let frame = frames.withTop { $0 }
        skipWhitespace()
        guard index < count else { throw failure(Reason.endOfInput) }
        if frame.isObject {
          pendingMembers.withTop { $0.value = value }
          switch base[index] {
          case ASCII.comma:
            index += 1
            try beginMember()
            continue nextValue
          case ASCII.closeBrace:
            index += 1
            _ = frames.pop()
            value = .object(takeMembers(from: frame.firstMember))
          default:
            throw failure(Reason.expectedCommaOrBrace)
          }
        } else {
          openArrays.withTop { $0.append(value) }
          switch base[index] {
          case ASCII.comma:
            index += 1
            continue nextValue
          case ASCII.closeBracket:
            index += 1
            _ = frames.pop()
            value = .array(openArrays.pop())
          default:
            throw failure(Reason.expectedCommaOrBracket)
          }
        }
      }
      return value
    }
  }

  /// Steps over `[` or `{` and following whitespace, enforcing the depth limit.
  mutating func enterContainer() throws(JSONParseError) {
    guard frames.count < JSONParser.maximumDepth else { throw failure(Reason.nestingTooDeep) }
    index += 1
    skipWhitespace()
  }

  /// Parses `"key":` and pushes a member whose value is still to come.
  mutating func beginMember() throws(JSONParseError) {
    pendingMembers.push((key: try parseKey(), value: .null))
  }

  /// Parses `"key":` (with the whitespace around it) and returns the key.
  mutating func parseKey() throws(JSONParseError) -> String {
    skipWhitespace()
    guard index < count else { throw failure(Reason.endOfInput) }
    guard base[index] == ASCII.quote else { throw failure(Reason.expectedKey) }
    index += 1
    let key = try parseString()
    skipWhitespace()
    guard index < count else { throw failure(Reason.endOfInput) }
    guard base[index] == ASCII.colon else { throw failure(Reason.expectedColon) }
    index += 1
    return key
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    let length = literal.utf8CodeUnitCount
    let expected = literal.utf8Start
    for offset in 0..<length {
      guard index + offset < count else { throw failure(Reason.endOfInput, at: index + offset) }
      guard base[index + offset] == expected[offset] else { throw failure(Reason.invalidLiteral) }
    }
    index += length
  }

  /// Builds the dictionary for the members collected since `first` and pops them.
  ///
  /// The dictionary is sized up front so each key is hashed once; growing it one insert at a time rehashes every
  /// key on each resize, which dominated the profile of small request objects. It is sized through
  /// `init(_:uniquingKeysWith:)` on a ``CapacityHint`` because that initializer is inlinable and so specialised
  /// here; `init(minimumCapacity:)` and `reserveCapacity` are not, and look up the storage class's generic
  /// metadata in the runtime's global table on every call, which cost more than hashing the keys.
  mutating func takeMembers(from first: Int) -> [String: JSONValue] {
    var members = [String: JSONValue](
      CapacityHint(pendingMembers.count - first),
      uniquingKeysWith: { _, last in last }
    )
    pendingMembers.popEach(from: first) { member in
      members[member.key] = member.value  // the last duplicate wins
    }
    return members
  }

  // MARK: Numbers

  @inline(__always)
  func isDigit(at offset: Int) -> Bool {
    offset < count && base[offset] &- ASCII.zero < 10
  }

  mutating func parseNumber() throws(JSONParseError) -> JSONValue {
    let start = index
    let negative = base[index] == ASCII.minus
    if negative { index += 1 }
    let digitsStart = index
    guard index < count else { throw failure(Reason.endOfInput) }
    if base[index] == ASCII.zero {
      index += 1
      if isDigit(at: index) { throw failure(Reason.invalidNumber, at: index - 1) }
    } else if isDigit(at: index) {
      repeat { index += 1 } while isDigit(at: index)
    } else {
      throw failure(Reason.invalidNumber)
    }
    let digitsEnd = index
    var isInteger = true
    if index < count && base[index] == ASCII.dot {
      isInteger = false
      index += 1
      guard isDigit(at: index) else { throw failure(index < count ? Reason.invalidNumber : Reason.endOfInput) }
      repeat { index += 1 } while isDigit(at: index)
    }
    if index < count && (base[index] | 0x20) == UInt8(ascii: "e") {
      isInteger = false
      index += 1
      if index < count && (base[index] == ASCII.plus || base[index] == ASCII.minus) { index += 1 }
      guard isDigit(at: index) else { throw failure(index < count ? Reason.invalidNumber : Reason.endOfInput) }
      repeat { index += 1 } while isDigit(at: index)
    }
    if isInteger, let int = integer(digitsFrom: digitsStart, to: digitsEnd, negative: negative) {
      return .int(int)
    }
    let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
    guard let double = Double(text), double.isFinite else {
      throw failure(Reason.numberOutOfRange, at: start)
    }
    return .double(double)
  }

  /// The value of a run of ASCII digits, or `nil` if it does not fit `Int64`.
  func integer(digitsFrom start: Int, to end: Int, negative: Bool) -> Int64? {
    var magnitude: UInt64 = 0
    if end - start <= 18 {
      // 10^18 - 1 fits UInt64 and Int64: no overflow checks needed.
      for offset in start..<end {
        magnitude = magnitude &* 10 &+ UInt64(base[offset] &- ASCII.zero)
      }
      return negative ? -Int64(magnitude) : Int64(magnitude)
    }
    for offset in start..<end {
      let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(UInt64(base[offset] &- ASCII.zero))
      if overflow1 || overflow2 { return nil }
      magnitude = sum
    }
    if negative {
      if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
      return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
    }
    return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
  }

  // MARK: Strings

  /// Parses string contents; `index` is just past the opening quote and ends just past the closing one.
  mutating func parseString() throws(JSONParseError) -> String {
    let start = index
    while index < count {
      let byte = base[index]
      if byte == ASCII.quote {
        let string = String(
          decoding: UnsafeBufferPointer(start: base + start, count: index - start),
          as: UTF8.self
        )
        index += 1
        return string
      } else if byte == ASCII.backslash {
        return try parseEscapedString(from: start)
      } else if byte < 0x20 {
        throw failure(Reason.controlCharacter)
      } else if byte < 0x80 {
        index += 1
      } else {
        try skipMultibyteSequence()
      }
    }
    throw failure(Reason.endOfInput)
  }

  /// The slow path once a backslash appears: copies runs of plain bytes into `scratch` and decodes escapes.
  mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
    scratch.removeAll(keepingCapacity: true)
    var runStart = start
    while index < count {
      let byte = base[index]
      if byte == ASCII.quote {
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
        index += 1
        return String(decoding: scratch, as: UTF8.self)
      } else if byte == ASCII.backslash {
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
        try decodeEscape()
        runStart = index
      } else if byte < 0x20 {
        throw failure(Reason.controlCharacter)
      } else if byte < 0x80 {
        index += 1
      } else {
        try skipMultibyteSequence()
      }
    }
    throw failure(Reason.endOfInput)
  }

  /// Decodes one escape starting at the backslash into `scratch`.
  mutating func decodeEscape() throws(JSONParseError) {
    let escapeStart = index
    index += 1
    guard index < count else { throw failure(Reason.endOfInput) }
    let decoded: UInt8
    switch base[index] {
    case ASCII.quote: decoded = ASCII.quote
    case ASCII.backslash: decoded = ASCII.backslash
    case ASCII.slash: decoded = ASCII.slash
    case UInt8(ascii: "b"): decoded = 0x08
    case UInt8(ascii: "f"): decoded = 0x0C
    case UInt8(ascii: "n"): decoded = ASCII.newline
    case UInt8(ascii: "r"): decoded = ASCII.carriageReturn
    case UInt8(ascii: "t"): decoded = ASCII.tab
    case UInt8(ascii: "u"):
      index += 1
      let unit = try hexQuad()
      appendUTF8(of: try scalar(startingWith: unit))
      return
    default:
      throw failure(Reason.invalidEscape, at: escapeStart)
    }
    scratch.append(decoded)
    index += 1
  }

  /// Completes a `\uXXXX` whose code unit is `unit`, consuming a following low-surrogate escape if `unit` is a
  /// high surrogate. Lone surrogates become U+FFFD; a non-matching following escape is left for the caller.
  mutating func scalar(startingWith unit: UInt16) throws(JSONParseError) -> Unicode.Scalar {
    let replacement: Unicode.Scalar = "\u{FFFD}"
    switch unit {
    case 0xD800...0xDBFF:
      guard index + 1 < count, base[index] == ASCII.backslash, base[index + 1] == UInt8(ascii: "u") else {
        return replacement
      }
      let resume = index
      index += 2
      let low = try hexQuad()
      guard (0xDC00...0xDFFF).contains(low) else {
        index = resume
        return replacement
      }
      let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
      return Unicode.Scalar(value) ?? replacement
    case 0xDC00...0xDFFF:
      return replacement
    default:
      return Unicode.Scalar(UInt32(unit)) ?? replacement
    }
  }

  /// Reads four hex digits at `index`.
  mutating func hexQuad() throws(JSONParseError) -> UInt16 {
    var value: UInt16 = 0
    for _ in 0..<4 {
      guard index < count else { throw failure(Reason.endOfInput) }
      let byte = base[index]
      let digit: UInt8
      switch byte {
      case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw failure(Reason.invalidEscape)
      }
      value = value << 4 | UInt16(digit)
      index += 1
    }
    return value
  }

  mutating func appendUTF8(of scalar: Unicode.Scalar) {
    let value = scalar.value
    switch value {
    case 0..<0x80:
      scratch.append(UInt8(value))
    case 0x80..<0x800:
      scratch.append(0xC0 | UInt8(value >> 6))
      scratch.append(0x80 | UInt8(value & 0x3F))
    case 0x800..<0x10000:
      scratch.append(0xE0 | UInt8(value >> 12))
      scratch.append(0x80 | UInt8((value >> 6) & 0x3F))
      scratch.append(0x80 | UInt8(value & 0x3F))
    default:
      scratch.append(0xF0 | UInt8(value >> 18))
      scratch.append(0x80 | UInt8((value >> 12) & 0x3F))
      scratch.append(0x80 | UInt8((value >> 6) & 0x3F))
      scratch.append(0x80 | UInt8(value & 0x3F))
    }
  }

  /// Validates the multi-byte UTF-8 sequence whose lead byte is at `index` and steps over it.
  ///
  /// Follows the well-formed byte sequences table of Unicode §3.9 (Table 3-7), which excludes overlong forms,
  /// UTF-8-encoded surrogates (`ED A0..BF`) and code points above U+10FFFF.
  @inline(__always)
  mutating func skipMultibyteSequence() throws(JSONParseError) {
    let lead = base[index]
    let length: Int
    var secondRange: ClosedRange<UInt8> = 0x80...0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      secondRange = 0xA0...0xBF
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      secondRange = 0x80...0x9F
    case 0xF0:
      length = 4
      secondRange = 0x90...0xBF
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      secondRange = 0x80...0x8F
    default: throw failure(Reason.invalidUTF8)
    }
    guard index + length <= count else { throw failure(Reason.invalidUTF8) }
    guard secondRange.contains(base[index + 1]) else { throw failure(Reason.invalidUTF8) }
    for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 {
      throw failure(Reason.invalidUTF8)
    }
    index += length
  }
}
