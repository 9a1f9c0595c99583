import Databricks
import TestSupport
import Testing

/// `.databrickscfg` parsing and editing on generated and damaged files: whatever parses renders back to the same
/// bytes, an edit that is accepted reads back as meant and leaves every other section's lines alone, and an edit
/// that is refused changes nothing.
@Suite struct INIDocumentFuzzTests {
  private static let lines = [
    "[a]", "[b]", "[DEFAULT]", "[dev]", "[ünï 🧱]", "[__settings__]", "host = https://a", "token=dapi1", "k: v",
    "  indented = yes ; note", "quoted = \"q\"", "back = `a #b`", "cont = first \\", "  second", "empty =", "; comment",
    "# comment", "", "   ", "\t", "host = https://b #x", "key_before = 1",
  ]
  private static let sectionNames = ["a", "b", "new", "DEFAULT", "dev", "ünï 🧱", " bad", "x]y"]
  private static let keys = ["host", "token", "k", "empty", "cont", "a b", "=x", "", "key;", "new_key"]
  private static let values = ["v", "https://x", " spaced", "a #b", "\"q\"", "x\\", "", "line\nbreak", "é", "a;b"]

  @Test func parsingThenRenderingGivesTheSameBytes() async {
    for seed in FuzzBudget.seeds(default: 1000) {
      await Task.yield()
      var mutator = ByteMutator(seed: seed)
      var bytes = Self.file(&mutator.generator)
      if seed % 2 == 1 { bytes = mutator.mutate(bytes) }
      guard let document = try? INIDocument(parsing: bytes) else { continue }
      #expect(document.bytes == bytes, "seed \(seed)")
    }
  }

  @Test func anEditChangesOnlyItsOwnSection() async {
    for seed in FuzzBudget.seeds(default: 1000) {
      await Task.yield()
      var generator = SeededGenerator(seed: seed)
      guard let original = try? INIDocument(parsing: Self.file(&generator)) else { continue }
      var document = original
      let section = Self.sectionNames.randomElement(using: &generator) ?? "a"
      let key = Self.keys.randomElement(using: &generator) ?? "k"
      let value = Self.values.randomElement(using: &generator) ?? "v"
      let operation = Int.random(in: 0..<3, using: &generator)
      do {
        switch operation {
        case 0: try document.set(key, to: value, in: section)
        case 1: document.removeKey(key, from: section)
        default: document.removeSection(section)
        }
      } catch {
        #expect(document == original, "seed \(seed): a refused edit changed the document")
        continue
      }
      guard let reread = try? INIDocument(parsing: document.bytes) else {
        Issue.record("seed \(seed): the edited file does not parse")
        continue
      }
      #expect(reread.sections == document.sections, "seed \(seed)")
      switch operation {
      case 0: #expect(reread.section(section)?.values[key] == value, "seed \(seed)")
      case 1: #expect(reread.section(section)?.values[key] == nil, "seed \(seed)")
      default: #expect(reread.section(section) == nil, "seed \(seed)")
      }
      for other in original.sections where other.name != section {
        #expect(reread.section(other.name)?.values == other.values, "seed \(seed): [\(other.name)] changed")
      }
      // Removing a section also takes the comment block above its header, which sits in the section before it.
      let keepsComments = operation != 2
      #expect(
        Self.otherRegions(of: document, than: section, comments: keepsComments)
          == Self.otherRegions(of: original, than: section, comments: keepsComments),
        "seed \(seed): lines outside [\(section)] changed"
      )
    }
  }

  /// A file of random lines with random endings, sometimes with a byte order mark or no final newline.
  private static func file(_ generator: inout SeededGenerator) -> [UInt8] {
    var bytes: [UInt8] = Int.random(in: 0..<8, using: &generator) == 0 ? [0xEF, 0xBB, 0xBF] : []
    let crlf = Bool.random(using: &generator)
    let count = Int.random(in: 0...14, using: &generator)
    for index in 0..<count {
      bytes += Array((lines.randomElement(using: &generator) ?? "").utf8)
      if index < count - 1 || Bool.random(using: &generator) { bytes += crlf ? [0x0D, 0x0A] : [0x0A] }
    }
    return bytes
  }

  /// The lines of every section other than `name` (keys before any header are `DEFAULT`'s), in order, without the
  /// blank lines that end the file, which appending a section may add to.
  private static func otherRegions(of document: INIDocument, than name: String, comments: Bool) -> [[UInt8]] {
    var current = INIDocument.defaultSection
    var kept: [[UInt8]] = []
    for line in document.lines {
      if case .section(let header) = line.kind { current = header }
      guard current != name else { continue }
      if !comments && (line.kind == .blank || line.kind == .comment) { continue }
      kept.append(line.content)
    }
    while kept.last.map({ $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }) == true { kept.removeLast() }
    return kept
  }
}
