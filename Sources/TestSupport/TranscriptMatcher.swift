package import JSON

/// Compares what a server wrote with a transcript's expected lines: a pure value, so the rules that keep
/// `protocol/examples/` honest are themselves tested without a server.
///
/// Requests run concurrently, so lines are matched as a multiset, not in order: every expected line must match
/// exactly one actual line and no actual line may be left over. Values compare structurally (key order and
/// whitespace never matter; an integer and a fraction are different values, as they are on the wire), except
/// the placeholder strings `"<<any>>"`, `"<<string>>"` and `"<<number>>"` on the expected side. Matching is a
/// maximum bipartite matching, so a placeholder line can never "steal" the actual line a specific expected line
/// needed.
///
/// Order is checked only where the protocol promises it: the lines of one request (its progress notifications,
/// found through `progressTokens`, and its response) must arrive in the order the transcript lists them.
///
/// ```swift
/// let matcher = TranscriptMatcher(expected: [#"{"jsonrpc":"2.0","id":1,"result":{}}"#].map(parse))
/// if let failure = matcher.failure(matching: writer.values) { Issue.record(Comment(rawValue: failure)) }
/// ```
package struct TranscriptMatcher: Sendable {
  /// Matches any value.
  package static let anyPlaceholder = "<<any>>"
  /// Matches any string.
  package static let stringPlaceholder = "<<string>>"
  /// Matches any number, integer or not.
  package static let numberPlaceholder = "<<number>>"

  package var expected: [JSONValue]
  /// The line number of each expected value in its file, for failure messages (1, 2, ... when not from a file).
  package var expectedLineNumbers: [Int]
  /// Progress token to the id of the request that carried it, so progress can be tied to its response.
  package var progressTokens: [JSONValue: JSONValue]

  package init(expected: [JSONValue], lineNumbers: [Int]? = nil, progressTokens: [JSONValue: JSONValue] = [:]) {
    self.expected = expected
    self.expectedLineNumbers = lineNumbers ?? expected.indices.map { $0 + 1 }
    self.progressTokens = progressTokens
  }

  // MARK: Matching

  /// Nil when `actual` satisfies the transcript; otherwise a readable account of every difference.
  package func failure(matching actual: [JSONValue]) -> String? {
    let assignment = Self.maximumMatching(expected: expected, actual: actual)
    let matchedActual = Set(assignment.compactMap { $0 })
    let missing = expected.indices.filter { assignment[$0] == nil }
    let extra = actual.indices.filter { !matchedActual.contains($0) }
    let order = missing.isEmpty && extra.isEmpty ? orderViolations(actual: actual, assignment: assignment) : []
    guard !missing.isEmpty || !extra.isEmpty || !order.isEmpty else { return nil }

    var report = ["the output does not match the transcript (\(expected.count) expected, \(actual.count) written)"]
    if !missing.isEmpty {
      report.append("expected lines with no matching output line:")
      for index in missing {
        report.append("  line \(expectedLineNumbers[index]): \(JSONWriter.string(expected[index]))")
        if let hint = closestDifference(to: expected[index], among: extra.map { actual[$0] }) {
          report.append("    \(hint)")
        }
      }
    }
    if !extra.isEmpty {
      report.append("output lines the transcript does not list:")
      for index in extra { report.append("  output \(index + 1): \(JSONWriter.string(actual[index]))") }
    }
    report.append(contentsOf: order)
    return report.joined(separator: "\n")
  }

  /// Whether `actual` equals `expected`, honouring placeholders in `expected`.
  package static func value(_ actual: JSONValue, matches expected: JSONValue) -> Bool {
    difference(expected: expected, actual: actual) == nil
  }

  /// The first place where `actual` departs from `expected`, as `path: what differs`; nil when they match.
  package static func difference(expected: JSONValue, actual: JSONValue, path: String = "") -> String? {
    let at = path.isEmpty ? "/" : path
    switch (expected, actual) {
    case (.string(anyPlaceholder), _):
      return nil
    case (.string(stringPlaceholder), .string):
      return nil
    case (.string(numberPlaceholder), .int), (.string(numberPlaceholder), .double):
      return nil
    case (.object(let expectedMembers), .object(let actualMembers)):
      for key in expectedMembers.keys.sorted() {
        guard let actualMember = actualMembers[key] else { return "\(at): missing key \"\(key)\"" }
        let childPath = "\(path)/\(pointerEscaped(key))"
        if let difference = difference(expected: expectedMembers[key] ?? .null, actual: actualMember, path: childPath) {
          return difference
        }
      }
      if let surplus = actualMembers.keys.sorted().first(where: { expectedMembers[$0] == nil }) {
        return "\(at): unexpected key \"\(surplus)\""
      }
      return nil
    case (.array(let expectedElements), .array(let actualElements)):
      guard expectedElements.count == actualElements.count else {
        return "\(at): expected \(expectedElements.count) elements, got \(actualElements.count)"
      }
      for (index, pair) in zip(expectedElements, actualElements).enumerated() {
        if let difference = difference(expected: pair.0, actual: pair.1, path: "\(path)/\(index)") {
          return difference
        }
      }
      return nil
    default:
      return expected == actual
        ? nil : "\(at): expected \(JSONWriter.string(expected)), got \(JSONWriter.string(actual))"
    }
  }

  // MARK: Internals

  /// For an unmatched expected line, the difference from the unmatched output line that looks like its
  /// counterpart: the one with the same (non-null) id, else the same method.
  private func closestDifference(to expected: JSONValue, among candidates: [JSONValue]) -> String? {
    let sameID = expected["id"].flatMap { id in id == .null ? nil : candidates.first { $0["id"] == id } }
    let sameMethod = expected["method"].flatMap { method in candidates.first { $0["method"] == method } }
    guard let candidate = sameID ?? sameMethod else { return nil }
    return Self.difference(expected: expected, actual: candidate).map { "closest output line differs at \($0)" }
  }

  /// The request a line belongs to, for the order check: a response's id, or the id of the request whose
  /// progress token a `notifications/progress` carries. Null ids belong to no request (parse errors share them).
  private func requestKey(of line: JSONValue) -> JSONValue? {
    if line["method"] == "notifications/progress" {
      return line["params"]?["progressToken"].flatMap { progressTokens[$0] }
    }
    guard line["method"] == nil, let id = line["id"], id != .null else { return nil }
    return id
  }

  /// Checks that each request's lines arrived in the transcript's order (its progress before its response).
  ///
  /// The arrival order of the lines matched to one request is replayed against that request's expected lines
  /// in file order, so identical lines (the same progress twice) cannot produce a false alarm.
  private func orderViolations(actual: [JSONValue], assignment: [Int?]) -> [String] {
    var groups: [JSONValue: [Int]] = [:]
    var keysInOrder: [JSONValue] = []
    for index in expected.indices {
      guard let key = requestKey(of: expected[index]) else { continue }
      if groups[key] == nil { keysInOrder.append(key) }
      groups[key, default: []].append(index)
    }
    var violations: [String] = []
    for key in keysInOrder {
      let expectedIndices = groups[key] ?? []
      let arrived = expectedIndices.compactMap { assignment[$0] }.sorted()
      let inOrder = zip(expectedIndices, arrived).allSatisfy { Self.value(actual[$0.1], matches: expected[$0.0]) }
      if !inOrder {
        let lines = expectedIndices.map { String(expectedLineNumbers[$0]) }.joined(separator: ", ")
        violations.append(
          "request \(JSONWriter.string(key)): its lines arrived out of the order of expected lines \(lines):"
        )
        for index in arrived { violations.append("  output \(index + 1): \(JSONWriter.string(actual[index]))") }
      }
    }
    return violations
  }

  /// For each expected line, the index of the actual line it is matched to (Kuhn's augmenting paths).
  private static func maximumMatching(expected: [JSONValue], actual: [JSONValue]) -> [Int?] {
    let candidates = expected.map { line in actual.indices.filter { value(actual[$0], matches: line) } }
    var owner = [Int?](repeating: nil, count: actual.count)

    func augment(_ row: Int, _ visited: inout [Bool]) -> Bool {
      for column in candidates[row] where !visited[column] {
        visited[column] = true
        if let current = owner[column], !augment(current, &visited) { continue }
        owner[column] = row
        return true
      }
      return false
    }

    for row in expected.indices {
      var visited = [Bool](repeating: false, count: actual.count)
      _ = augment(row, &visited)
    }
    var assignment = [Int?](repeating: nil, count: expected.count)
    for (column, row) in owner.enumerated() {
      if let row { assignment[row] = column }
    }
    return assignment
  }

  /// Escapes a key for a JSON Pointer (RFC 6901), so failure paths are unambiguous.
  private static func pointerEscaped(_ key: String) -> String {
    var escaped = ""
    for character in key {
      switch character {
      case "~": escaped += "~0"
      case "/": escaped += "~1"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
