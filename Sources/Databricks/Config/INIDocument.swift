/// A `.databrickscfg` file as a list of lines that round-trips byte for byte and can edit one section in place.
///
/// The official CLI rewrites the whole file through go-ini, which re-aligns `=`, moves inline comments and collapses
/// blank lines. We instead keep every line's bytes (and its own line ending) and only touch the lines of the one
/// section an edit is about, so comments, blank lines, unknown keys, key order, CRLF endings, a missing final
/// newline and invalid UTF-8 elsewhere all survive.
///
/// Reading follows the Go SDK's dialect (gopkg.in/ini.v1 with `SpaceBeforeInlineComment`), because the CLI is the
/// file's main other writer and reader: `=` or `:` separate keys, ` #` and ` ;` start an inline comment but `a#b`
/// is a value, surrounding quotes are stripped, a trailing `\` continues the value on the next line, keys before any
/// section belong to `DEFAULT`, duplicate sections merge and duplicate keys are last-wins.
///
/// ```swift
/// var document = try INIDocument(parsing: Array(text.utf8))
/// try document.set("host", to: "https://example.cloud.databricks.com", in: "dev")
/// let bytes = document.bytes   // only the [dev] section's lines differ
/// ```
package struct INIDocument: Sendable, Equatable {
  /// One physical line: its bytes without the line ending, the ending, and what it means.
  package struct Line: Sendable, Equatable {
    package var content: [UInt8]
    package var ending: LineEnding
    package var kind: Kind
  }

  package enum LineEnding: Sendable, Equatable {
    case lf
    case crlf
    /// Only the last line of a file that does not end with a newline.
    case none

    var bytes: [UInt8] {
      switch self {
      case .lf: [0x0A]
      case .crlf: [0x0D, 0x0A]
      case .none: []
      }
    }
  }

  package enum Kind: Sendable, Equatable {
    case blank
    case comment
    case section(String)
    /// A key and its value; when the value continues with `\`, the following lines are ``continuation(_:)``.
    case entry(key: String, value: String)
    /// A line that continues the previous entry's value; the text it adds.
    case continuation(String)

    var isContinuation: Bool {
      if case .continuation = self { true } else { false }
    }
  }

  /// A section as readers see it: duplicate sections merged, duplicate keys last-wins.
  package struct Section: Sendable, Equatable {
    package var name: String
    /// 1-based line of the first header of this section; 0 for keys before any header (implicit `DEFAULT`).
    package var line: Int
    package var values: [String: String]
    /// 1-based line where each key's effective (last) value was set.
    package var keyLines: [String: Int]
  }

  package static let defaultSection = "DEFAULT"

  package private(set) var lines: [Line]
  /// The UTF-8 byte order mark the file starts with, if any. Readers ignore it, as go-ini does; it is kept apart from
  /// the first line so that an edit removing or rewriting that line still leaves the file's first bytes as they were.
  private var byteOrderMark: [UInt8] = []
  private static let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Parses `bytes`; throws for lines go-ini would reject, so we never edit a file the CLI cannot read.
  package init(parsing bytes: some Collection<UInt8>) throws(INIParseError) {
    lines = []
    var classifier = INILineClassifier()
    var start = bytes.startIndex
    var lineNumber = 0
    if bytes.starts(with: Self.utf8ByteOrderMark) {
      byteOrderMark = Self.utf8ByteOrderMark
      start = bytes.index(start, offsetBy: Self.utf8ByteOrderMark.count)
    }
    while start != bytes.endIndex {
      lineNumber += 1
      let newline = bytes[start...].firstIndex(of: 0x0A)
      var content = Array(bytes[start..<(newline ?? bytes.endIndex)])
      var ending = LineEnding.none
      if newline != nil {
        ending = .lf
        if content.last == 0x0D {
          content.removeLast()
          ending = .crlf
        }
      }
      let kind = try classifier.classify(content, lineNumber: lineNumber)
      lines.append(Line(content: content, ending: ending, kind: kind))
      start = newline.map { bytes.index(after: $0) } ?? bytes.endIndex
    }
  }

  /// The document's bytes: the parsed input exactly, plus any edits.
  package var bytes: [UInt8] {
    var result = byteOrderMark
    result.reserveCapacity(lines.reduce(byteOrderMark.count) { $0 + $1.content.count + 2 })
    for line in lines {
      result.append(contentsOf: line.content)
      result.append(contentsOf: line.ending.bytes)
    }
    return result
  }

  /// Every section, merged, in order of first appearance.
  package var sections: [Section] {
    // Keyed by the name's bytes: sections whose names are canonically equivalent are still two sections.
    var order: [ProfileName.Key] = []
    var byName: [ProfileName.Key: Section] = [:]
    var current = ProfileName.Key(Self.defaultSection)
    var lastKey: String?
    for (index, line) in lines.enumerated() {
      switch line.kind {
      case .section(let name):
        current = ProfileName.Key(name)
        if byName[current] == nil {
          order.append(current)
          byName[current] = Section(name: name, line: index + 1, values: [:], keyLines: [:])
        }
      case .entry(let key, let value):
        if byName[current] == nil {
          order.append(current)
          byName[current] = Section(name: Self.defaultSection, line: 0, values: [:], keyLines: [:])
        }
        byName[current]?.values[key] = value
        byName[current]?.keyLines[key] = index + 1
        lastKey = key
      case .continuation(let piece):
        if let lastKey { byName[current]?.values[lastKey]? += piece }
      case .blank, .comment:
        break
      }
    }
    return order.compactMap { byName[$0] }
  }

  /// The merged section named `name`, if the file has it.
  package func section(_ name: String) -> Section? {
    sections.first { ProfileName.same($0.name, name) }
  }

  // MARK: Editing

  /// Sets `key` to `value` in `section`, creating the section at the end of the file if needed.
  ///
  /// An existing key keeps its line, its spacing around the separator and its line ending; only the value
  /// changes. Other occurrences of the key in the section are removed, so the result never has duplicates.
  /// - Throws: ``INIEditError`` when the key, value or section name would not read back as written.
  package mutating func set(_ key: String, to value: String, in section: String) throws(INIEditError) {
    try Self.validate(section: section)
    try Self.validate(key: key)
    try Self.validate(value: value, of: key)
    let ranges = sectionRanges(section)
    guard let last = ranges.last else {
      appendSection(section, entries: [(key, value)])
      return
    }
    let occurrences = ranges.flatMap { entryLines(key, in: $0) }
    if let target = occurrences.last {
      // A value continued with `\` becomes one line: drop the continuation lines, keep the entry's last ending.
      var end = target + 1
      while end < lines.count, lines[end].kind.isContinuation { end += 1 }
      let ending = lines[end - 1].ending
      lines.removeSubrange((target + 1)..<end)
      lines[target] = rewritten(lines[target], value: value)
      lines[target].ending = ending
      for index in occurrences.dropLast().reversed() { removeEntry(at: index) }
      return
    }
    let anchor = lastEntryOrHeader(in: last)
    let line = Line(
      content: Array("\(key) = \(value)".utf8),
      ending: preferredEnding,
      kind: .entry(key: key, value: value)
    )
    insert(line, after: anchor)
  }

  /// Removes every occurrence of `key` (with its continuation lines) from `section`.
  package mutating func removeKey(_ key: String, from section: String) {
    let occurrences = sectionRanges(section).flatMap { entryLines(key, in: $0) }
    for index in occurrences.reversed() { removeEntry(at: index) }
  }

  /// Removes every occurrence of `section`: its header, its lines and the comment block directly above the header.
  ///
  /// A comment block directly above the *next* header belongs to that section and stays. Comments at the top of the
  /// file (with nothing but blank lines above them) belong to the file, not to the first section: they stay too,
  /// whether a blank line separates them from its header or not.
  package mutating func removeSection(_ section: String) {
    // One occurrence at a time, the last first, each found afresh: removing one may take lines (the comment block
    // above its header, a blank line) from the end of the occurrence before it.
    while let range = sectionRanges(section).last {
      var lower = range.lowerBound
      if case .section = lines[lower].kind {
        while lower > 0, lines[lower - 1].kind == .comment { lower -= 1 }
      }
      if lines[..<lower].allSatisfy({ $0.kind == .blank }) {
        while lower < range.upperBound, lines[lower].kind == .blank || lines[lower].kind == .comment { lower += 1 }
      }
      // Before the next header, keep the comment block attached to it and the blank lines separating the two.
      var upper = range.upperBound
      if upper < lines.count {
        while upper > range.lowerBound + 1, lines[upper - 1].kind == .comment { upper -= 1 }
        while upper > range.lowerBound + 1, lines[upper - 1].kind == .blank { upper -= 1 }
      }
      lines.removeSubrange(lower..<upper)
      // Don't leave two blank lines where the section was.
      if lower > 0, lower < lines.count, lines[lower - 1].kind == .blank, lines[lower].kind == .blank {
        lines.remove(at: lower)
      } else if lower == lines.count, lower > 0, lines[lower - 1].kind == .blank {
        lines.removeLast()
      } else if lower == 0, lines.first?.kind == .blank {
        lines.removeFirst()
      }
    }
  }

  /// Appends a new section with its entries at the end of the file, after one blank line.
  private mutating func appendSection(_ section: String, entries: [(String, String)]) {
    let ending = preferredEnding
    if let last = lines.indices.last {
      if lines[last].ending == .none { lines[last].ending = ending }
      if lines[last].kind != .blank { lines.append(Line(content: [], ending: ending, kind: .blank)) }
    }
    lines.append(Line(content: Array("[\(section)]".utf8), ending: ending, kind: .section(section)))
    for (key, value) in entries {
      lines.append(Line(content: Array("\(key) = \(value)".utf8), ending: ending, kind: .entry(key: key, value: value)))
    }
  }

  // MARK: Line ranges

  /// The line ranges of each occurrence of `section`: a header and the lines up to the next header. For `DEFAULT`
  /// the lines before the first header count too, as go-ini puts keys there into `DEFAULT`.
  private func sectionRanges(_ section: String) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var start: Int? = ProfileName.same(section, Self.defaultSection) ? 0 : nil
    for (index, line) in lines.enumerated() {
      guard case .section(let name) = line.kind else { continue }
      if let open = start { ranges.append(open..<index) }
      start = ProfileName.same(name, section) ? index : nil
    }
    if let open = start { ranges.append(open..<lines.count) }
    // An implicit DEFAULT region with no entries is not an occurrence, nor is an empty one (a file that starts with a
    // header, or has no lines at all).
    return ranges.filter { range in
      guard !range.isEmpty else { return false }
      if case .section = lines[range.lowerBound].kind { return true }
      return lines[range].contains { if case .entry = $0.kind { true } else { false } }
    }
  }

  private func entryLines(_ key: String, in range: Range<Int>) -> [Int] {
    range.filter { if case .entry(key, _) = lines[$0].kind { true } else { false } }
  }

  private func lastEntryOrHeader(in range: Range<Int>) -> Int {
    var anchor = range.lowerBound
    for index in range {
      switch lines[index].kind {
      case .entry, .continuation, .section: anchor = index
      case .blank, .comment: break
      }
    }
    return anchor
  }

  private mutating func removeEntry(at index: Int) {
    var end = index + 1
    while end < lines.count, lines[end].kind.isContinuation { end += 1 }
    let ending = lines[end - 1].ending
    lines.removeSubrange(index..<end)
    // Removing the last line must not glue the new last line to a missing newline it did not have.
    if index == lines.count, index > 0, ending == .none { lines[index - 1].ending = .none }
  }

  /// Inserts `line` after `anchor`; at the end of a file without a final newline, the new line takes that role.
  private mutating func insert(_ line: Line, after anchor: Int) {
    var line = line
    if lines[anchor].ending == .none {
      lines[anchor].ending = preferredEnding
      line.ending = .none
    }
    lines.insert(line, at: anchor + 1)
  }

  /// The entry line with its value replaced; the key, the separator and the spacing around it are kept, and so is
  /// an inline comment after the value (the user's note about it), with the spacing before it.
  private func rewritten(_ line: Line, value: String) -> Line {
    var line = line
    guard case .entry(let key, _) = line.kind else { return line }
    var prefix = Array("\(key) = ".utf8)
    var comment: ArraySlice<UInt8> = []
    if let separator = line.content.firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) {
      var end = separator + 1
      while end < line.content.count, line.content[end] == 0x20 || line.content[end] == 0x09 { end += 1 }
      prefix = Array(line.content[..<end])
      comment = INILineClassifier.inlineComment(of: line.content[end...])
    }
    line.content = prefix + Array(value.utf8) + comment
    line.kind = .entry(key: key, value: value)
    return line
  }

  /// The ending new lines get: the file's first line ending, or `\n` for a file without one.
  private var preferredEnding: LineEnding {
    lines.first { $0.ending != .none }?.ending ?? .lf
  }
}
