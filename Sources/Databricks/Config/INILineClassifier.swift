/// Decides what one physical line of a `.databrickscfg` means, following go-ini as the Databricks CLI and Go SDK
/// configure it (`SpaceBeforeInlineComment: true`).
///
/// A value ending in `\` continues on the next line, so the classifier carries that one bit of state between lines.
struct INILineClassifier {
  private var continuing = false

  mutating func classify(_ content: [UInt8], lineNumber: Int) throws(INIParseError) -> INIDocument.Kind {
    if continuing {
      var piece = Self.trimmed(content[...])
      continuing = piece.last == UInt8(ascii: "\\")
      if continuing { piece = piece.dropLast() }
      return .continuation(Self.string(piece))
    }
    let text = Self.trimmed(content[...])
    guard let first = text.first else { return .blank }
    switch first {
    case UInt8(ascii: "#"), UInt8(ascii: ";"):
      return .comment
    case UInt8(ascii: "["):
      guard let close = text.lastIndex(of: UInt8(ascii: "]")) else {
        throw INIParseError(line: lineNumber, reason: "unclosed section header")
      }
      let name = Self.string(Self.trimmed(text[(text.startIndex + 1)..<close]))
      guard !name.isEmpty else { throw INIParseError(line: lineNumber, reason: "empty section name") }
      return .section(name)
    default:
      guard let separator = text.firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) else {
        throw INIParseError(line: lineNumber, reason: "a line that is neither a section, a key = value nor a comment")
      }
      let key = Self.string(Self.trimmed(text[..<separator]))
      guard !key.isEmpty else { throw INIParseError(line: lineNumber, reason: "empty key name") }
      let raw = Self.trimmed(text[(separator + 1)...])
      // As in go-ini, a continued value is taken as is: no comment or quote handling.
      if raw.last == UInt8(ascii: "\\") {
        continuing = true
        return .entry(key: key, value: Self.string(raw.dropLast()))
      }
      return .entry(key: key, value: Self.value(raw))
    }
  }

  /// go-ini's `readValue` for one line: a backquoted value is taken literally; otherwise ` #` or ` ;` starts an
  /// inline comment, and one pair of surrounding `"` or `'` is stripped.
  static func value(_ raw: ArraySlice<UInt8>) -> String {
    if let close = closingBackquote(raw) { return string(raw[(raw.startIndex + 1)..<close]) }
    var value = raw
    if let comment = inlineCommentStart(value) { value = trimmed(value[..<comment]) }
    if value.count >= 2, let first = value.first, first == value.last,
      first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")
    {
      value = value.dropFirst().dropLast()
    }
    return string(value)
  }

  /// The inline comment of the raw value `raw` as ``value(_:)`` reads it, from the end of the value on (so with the
  /// spacing before the marker); empty when there is none, and for continued and backquoted values, which go-ini
  /// takes without comment handling.
  static func inlineComment(of raw: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    let text = trimmed(raw)
    guard text.last != UInt8(ascii: "\\"), closingBackquote(text) == nil, let comment = inlineCommentStart(text) else {
      return []
    }
    return text[trimmed(text[..<comment]).endIndex...]
  }

  /// Where a value that starts with a backquote closes it; such a value is taken literally.
  private static func closingBackquote(_ raw: ArraySlice<UInt8>) -> Int? {
    guard raw.first == UInt8(ascii: "`"), raw.count >= 2 else { return nil }
    return raw.dropFirst().lastIndex(of: UInt8(ascii: "`"))
  }

  /// The index of the space before an inline comment marker: go-ini looks for ` #` first, then ` ;`.
  static func inlineCommentStart(_ value: ArraySlice<UInt8>) -> Int? {
    for marker in [UInt8(ascii: "#"), UInt8(ascii: ";")] {
      var index = value.startIndex
      while index + 1 < value.endIndex {
        if value[index] == 0x20 && value[index + 1] == marker { return index }
        index += 1
      }
    }
    return nil
  }

  static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var slice = bytes
    while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
    while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
    return slice
  }

  static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C || byte == 0x0D
  }

  static func string(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }
}
