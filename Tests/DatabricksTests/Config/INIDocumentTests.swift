import Databricks
import TestSupport
import Testing

@Suite struct INIDocumentRoundTripTests {
  static let nastyFiles: [String] = [
    "",
    "\n",
    "[DEFAULT]",
    "[DEFAULT]\nhost = https://a\n",
    "; comment\n# another\n\n[a]\nhost=https://a ; inline\ntoken = x#y\n",
    "[a]\r\nhost = https://a\r\n\r\n[b]\r\nhost = https://b",
    "key_before_sections = 1\n[a]\nhost = https://a\n",
    "[a]\nhost = https://a\nhost = https://b\n[a]\ntoken = t\n",
    "[__settings__]\ndefault_profile = a\nauth_storage = plaintext\n",
    "[ünïcödé 🧱]\nhost = https://ä.example\ncomment = 日本語\n",
    "\u{FEFF}[a]\nhost = https://a\n",
    "[a]\nvalue = first \\\n  second\nnext = 1\n",
    "[a]\n  indented = yes\n\t\ttabbed:colon\n",
    "[a]\nempty =\nquoted = \"q\"\nsingle = 'q'\nback = `a #b`\n",
    "\n\n\n[a]\n\n\n\nhost = h\n\n\n",
    "[a]\nhost = https://a\n\u{0B}\n",
  ]

  @Test(arguments: nastyFiles)
  func roundTripsByteForByte(_ text: String) throws {
    let document = try INIDocument(parsing: Array(text.utf8))
    #expect(document.bytes == Array(text.utf8))
  }

  @Test func roundTripsInvalidUTF8() throws {
    let bytes: [UInt8] = Array("[a]\ncomment = ".utf8) + [0xFF, 0xFE, 0xC3] + Array("\nhost = h\n".utf8)
    let document = try INIDocument(parsing: bytes)
    #expect(document.bytes == bytes)
    #expect(document.section("a")?.values["host"] == "h")
  }

  @Test func roundTripsAHugeFile() async throws {
    var text = "; header\n"
    for index in 0..<20_000 {
      text += "[profile-\(index)]\nhost = https://w\(index).cloud.databricks.com\ntoken = dapi\(index)\n\n"
    }
    let document = try await DedicatedThread.run { [text] in try INIDocument(parsing: Array(text.utf8)) }
    #expect(document.bytes == Array(text.utf8))
    #expect(document.sections.count == 20_000)
    #expect(document.section("profile-19999")?.values["token"] == "dapi19999")
  }
}

@Suite struct INIDocumentReadingTests {
  func values(_ text: String, _ section: String = "a") throws -> [String: String] {
    try INIDocument(parsing: Array(text.utf8)).section(section)?.values ?? [:]
  }

  @Test func followsGoINIValueRules() throws {
    let text = """
      [a]
      plain = %Y#X$Z
      spaced_comment = value #comment
      semicolon = value ;comment
      double = "%Y#X$Z"
      single = '%Y#X$Z'
      backquoted = `a #not a comment`
      colon: yes
      equals_in_value = a=b
      empty =
      padded =    spaced out   \t
      """
    let values = try values(text)
    #expect(values["plain"] == "%Y#X$Z")
    #expect(values["spaced_comment"] == "value")
    #expect(values["semicolon"] == "value")
    #expect(values["double"] == "%Y#X$Z")
    #expect(values["single"] == "%Y#X$Z")
    #expect(values["backquoted"] == "a #not a comment")
    #expect(values["colon"] == "yes")
    #expect(values["equals_in_value"] == "a=b")
    #expect(values["empty"] == "")
    #expect(values["padded"] == "spaced out")
  }

  @Test func mergesDuplicateSectionsAndKeysLastWins() throws {
    let document = try INIDocument(parsing: Array("[a]\nhost = 1\ntoken = t\n[b]\nhost = b\n[a]\nhost = 2\n".utf8))
    #expect(document.sections.map(\.name) == ["a", "b"])
    #expect(document.section("a")?.values == ["host": "2", "token": "t"])
    #expect(document.section("a")?.line == 1)
    #expect(document.section("a")?.keyLines["host"] == 7)
  }

  @Test func keysBeforeAnySectionBelongToDefault() throws {
    let document = try INIDocument(parsing: Array("host = https://x\n[DEFAULT]\ntoken = t\n".utf8))
    #expect(document.section("DEFAULT")?.values == ["host": "https://x", "token": "t"])
    #expect(document.section("DEFAULT")?.line == 0)
  }

  @Test func sectionNamesAreCaseSensitiveAndTrimmed() throws {
    let document = try INIDocument(
      parsing: Array("[ Dev ]\nhost = a\n[dev]\nhost = b\n[pat.with.dot]\nhost = c\n".utf8)
    )
    #expect(document.sections.map(\.name) == ["Dev", "dev", "pat.with.dot"])
  }

  @Test func continuationLinesJoinTheValue() throws {
    let document = try INIDocument(parsing: Array("[a]\nlong = one \\\ntwo\nafter = x\n".utf8))
    #expect(document.section("a")?.values["long"] == "one two")
    #expect(document.section("a")?.values["after"] == "x")
  }

  @Test(arguments: [
    ("[[[[[bad", 1, "unclosed section header"),
    ("[a]\nhost = h\njust some words\n", 3, "a line that is neither a section, a key = value nor a comment"),
    ("[a]\n = value\n", 2, "empty key name"),
    ("[]\n", 1, "empty section name"),
  ])
  func rejectsWhatGoINIRejects(_ text: String, _ line: Int, _ reason: String) {
    #expect(throws: INIParseError(line: line, reason: reason)) { try INIDocument(parsing: Array(text.utf8)) }
  }
}

/// `text` after `change`, as written; whatever we write must parse again.
private func edited(_ text: String, _ change: (inout INIDocument) throws -> Void) throws -> String {
  var document = try INIDocument(parsing: Array(text.utf8))
  try change(&document)
  let bytes = document.bytes
  _ = try INIDocument(parsing: bytes)
  return String(decoding: bytes, as: UTF8.self)
}

@Suite struct INIDocumentEditingTests {
  /// Found by the fuzzer (`INIDocumentFuzzTests`): editing `DEFAULT` in an empty file crashed.
  @Test func editsDefaultInAnEmptyFile() throws {
    #expect(try edited("") { try $0.set("host", to: "https://h", in: "DEFAULT") } == "[DEFAULT]\nhost = https://h\n")
    #expect(try edited("") { $0.removeKey("host", from: "DEFAULT") } == "")
    #expect(try edited("") { $0.removeSection("DEFAULT") } == "")
  }

  /// Found by the fuzzer: removing a section that occurs twice, the second time at the end of the file right after a
  /// blank line ending the first, crashed.
  @Test func removesASectionWhoseOccurrencesAreAdjacent() throws {
    let text = "# comment\n\nback = 1\n   \n[DEFAULT]\nkey = 1"
    #expect(try edited(text) { $0.removeSection("DEFAULT") } == "# comment\n")
    #expect(try edited("[a]\nk = 1\n\n[a]\nj = 2\n") { $0.removeSection("a") } == "")
    // The comment block above the second header sits at the end of the first occurrence.
    let twice = "[b]\nk = 1\n; comment\n[b]\n[c]\nhost = https://c\n"
    #expect(try edited(twice) { $0.removeSection("b") } == "[c]\nhost = https://c\n")
  }

  /// Found by the fuzzer: setting a key in `DEFAULT` when the file starts with another section's header (and has no
  /// keys before it) wrote the key into that section.
  @Test func setsDefaultWhenTheFileStartsWithAnotherSection() throws {
    let result = try edited("[dev]\nhost = https://d\n") { try $0.set("host", to: "https://h", in: "DEFAULT") }
    #expect(result == "[dev]\nhost = https://d\n\n[DEFAULT]\nhost = https://h\n")
    #expect(try INIDocument(parsing: Array(result.utf8)).section("dev")?.values == ["host": "https://d"])
  }

  @Test func changesOnlyTheValueOfAnExistingKey() throws {
    let text = "; keep me\n[a]\nhost  =  https://old ; note\ntoken = t\n\n[b]\nhost = https://b\n"
    let result = try edited(text) { try $0.set("host", to: "https://new", in: "a") }
    #expect(result == "; keep me\n[a]\nhost  =  https://new ; note\ntoken = t\n\n[b]\nhost = https://b\n")
  }

  /// An inline comment is the user's note about the value: a new value keeps it, with its spacing. Only what go-ini
  /// reads as a comment counts: ` #` or ` ;` after whitespace; `a#b` is all value.
  @Test(arguments: [
    ("host = https://old ; prod workspace\n", "host = https://new ; prod workspace\n"),
    ("host=https://old   # prod\tworkspace\r\n", "host=https://new   # prod\tworkspace\r\n"),
    ("host = https://old#not-a-comment\n", "host = https://new\n"),
    ("host = https://old;not-a-comment ; note\n", "host = https://new ; note\n"),
    ("host = \"https://old\" # quoted\n", "host = https://new # quoted\n"),
    ("host = https://old \\\n  more ; not a comment either\n", "host = https://new\n"),
  ])
  func keepsTheInlineCommentOfARewrittenKey(line: String, expected: String) throws {
    let result = try edited("[a]\n" + line + "[b]\nhost = https://b\n") {
      try $0.set("host", to: "https://new", in: "a")
    }
    #expect(result == "[a]\n" + expected + "[b]\nhost = https://b\n")
    #expect(try INIDocument(parsing: Array(result.utf8)).section("a")?.values["host"] == "https://new")
  }

  /// Comments at the very top of the file describe the file: deleting the first section must leave them, whether a
  /// blank line separates them from its header or not.
  @Test func removingTheFirstSectionKeepsTheFilesHeaderComment() throws {
    let direct = try edited("# managed by hand\n# do not share\n[a]\nhost = 1\n\n[b]\nhost = 2\n") {
      $0.removeSection("a")
    }
    #expect(direct == "# managed by hand\n# do not share\n\n[b]\nhost = 2\n")
    let separated = try edited("\n; header\n\n[a]\nhost = 1\n") { $0.removeSection("a") }
    #expect(separated == "\n; header\n")
    let implicit = try edited("; header\n\nhost = x\n[a]\nhost = y\n") { $0.removeSection("DEFAULT") }
    #expect(implicit == "; header\n\n[a]\nhost = y\n")
  }

  @Test func addsAMissingKeyAfterTheSectionsLastEntry() throws {
    let text = "[a]\nhost = https://a\n\n; about b\n[b]\nhost = https://b\n"
    let result = try edited(text) { try $0.set("auth_type", to: "databricks-cli", in: "a") }
    #expect(result == "[a]\nhost = https://a\nauth_type = databricks-cli\n\n; about b\n[b]\nhost = https://b\n")
  }

  @Test func appendsANewSectionAfterOneBlankLine() throws {
    #expect(try edited("[a]\nhost = 1") { try $0.set("host", to: "2", in: "b") } == "[a]\nhost = 1\n\n[b]\nhost = 2\n")
    #expect(try edited("") { try $0.set("host", to: "2", in: "b") } == "[b]\nhost = 2\n")
    #expect(try edited("[a]\n\n") { try $0.set("host", to: "2", in: "b") } == "[a]\n\n[b]\nhost = 2\n")
  }

  @Test func keepsCRLFEndingsAndAMissingFinalNewline() throws {
    let result = try edited("[a]\r\nhost = 1") { try $0.set("token", to: "t", in: "a") }
    #expect(result == "[a]\r\nhost = 1\r\ntoken = t")
    let appended = try edited("[a]\r\nhost = 1\r\n") { try $0.set("host", to: "2", in: "b") }
    #expect(appended == "[a]\r\nhost = 1\r\n\r\n[b]\r\nhost = 2\r\n")
  }

  @Test func removesDuplicateKeysAcrossDuplicateSections() throws {
    let text = "[a]\nhost = 1\ntoken = t\n[b]\nhost = b\n[a]\nhost = 2\nhost = 3\n"
    let result = try edited(text) { try $0.set("host", to: "4", in: "a") }
    #expect(result == "[a]\ntoken = t\n[b]\nhost = b\n[a]\nhost = 4\n")
  }

  @Test func replacesAContinuedValueWithOneLine() throws {
    let result = try edited("[a]\nlong = one \\\ntwo\nnext = x\n") { try $0.set("long", to: "short", in: "a") }
    #expect(result == "[a]\nlong = short\nnext = x\n")
  }

  @Test func removesKeysWithTheirContinuationLines() throws {
    let text = "[a]\nhost = h\ntoken = one \\\ntwo\nclient_id = c\n[b]\ntoken = keep\n"
    let result = try edited(text) {
      $0.removeKey("token", from: "a")
      $0.removeKey("client_id", from: "a")
    }
    #expect(result == "[a]\nhost = h\n[b]\ntoken = keep\n")
  }

  @Test func removingTheLastLineKeepsAMissingFinalNewlineMissing() throws {
    #expect(try edited("[a]\nhost = h\ntoken = t") { $0.removeKey("token", from: "a") } == "[a]\nhost = h")
  }

  @Test func removesASectionWithItsOwnCommentsButNotTheNextOnes() throws {
    let text = "; file header\n\n; about a\n[a]\nhost = 1\n; about b\n[b]\nhost = 2\n\n[c]\nhost = 3\n"
    let result = try edited(text) { $0.removeSection("a") }
    #expect(result == "; file header\n\n; about b\n[b]\nhost = 2\n\n[c]\nhost = 3\n")
    let middle = try edited(text) { $0.removeSection("b") }
    #expect(middle == "; file header\n\n; about a\n[a]\nhost = 1\n\n[c]\nhost = 3\n")
    let last = try edited(text) { $0.removeSection("c") }
    #expect(last == "; file header\n\n; about a\n[a]\nhost = 1\n; about b\n[b]\nhost = 2\n")
  }

  @Test func removesEveryOccurrenceOfADuplicatedSection() throws {
    let result = try edited("[a]\nhost = 1\n\n[b]\nhost = 2\n\n[a]\ntoken = t\n") { $0.removeSection("a") }
    #expect(result == "[b]\nhost = 2\n")
  }

  @Test func editsTheImplicitDefaultRegion() throws {
    let result = try edited("host = https://x\n\n[a]\nhost = y\n") {
      try $0.set("host", to: "https://z", in: "DEFAULT")
    }
    #expect(result == "host = https://z\n\n[a]\nhost = y\n")
  }

  @Test func leavesEveryOtherByteAlone() throws {
    let others = "; weird  spacing ;;\r\n[x]\r\nKEY:Value\r\n\tunknown_key   =   kept as is\r\n\r\n"
    let text = others + "[target]\nhost = https://old\n"
    let result = try edited(text) { try $0.set("host", to: "https://new", in: "target") }
    #expect(result == others + "[target]\nhost = https://new\n")
  }

  @Test(arguments: [
    "a\nb", " lead", "trail ", "\"quoted\"", "'quoted'", "has #comment", "has ;comment", "end\\", "`tick",
  ])
  func refusesValuesThatWouldReadBackDifferently(_ value: String) throws {
    var document = try INIDocument(parsing: Array("[a]\n".utf8))
    #expect(throws: INIEditError.unrepresentableValue(key: "token")) { try document.set("token", to: value, in: "a") }
    #expect(document.bytes == Array("[a]\n".utf8))
  }

  @Test(arguments: ["%Y#X$Z", "a=b", "x:y", "", "dapi0123456789abcdef", "https://h/?o=1", "ünï"])
  func acceptsValuesThatReadBackTheSame(_ value: String) throws {
    var document = try INIDocument(parsing: [])
    try document.set("token", to: value, in: "a")
    let reread = try INIDocument(parsing: document.bytes)
    #expect(reread.section("a")?.values["token"] == value)
  }

  @Test func refusesBadSectionNamesAndKeys() throws {
    var document = try INIDocument(parsing: [])
    #expect(throws: INIEditError.unrepresentableSection("a]b")) { try document.set("k", to: "v", in: "a]b") }
    #expect(throws: INIEditError.unrepresentableSection(" a")) { try document.set("k", to: "v", in: " a") }
    #expect(throws: INIEditError.unrepresentableKey("a=b")) { try document.set("a=b", to: "v", in: "s") }
    #expect(throws: INIEditError.unrepresentableKey("#k")) { try document.set("#k", to: "v", in: "s") }
  }
}

/// Edits of files that are unusual in size or encoding: only the edited section's lines change, every other byte
/// stays exactly as it was.
@Suite struct INIDocumentEditingEncodingsAndSizeTests {
  static let byteOrderMark = "\u{FEFF}"

  @Test func editsUnicodeSectionsAndValuesLeavingTheOthersAlone() throws {
    let before = "; profils 🧱\n\n[ünïcödé 🧱]\nhost = https://ä.example\ncomment = 日本語 ; note\n\n"
    let target = "[日本語]\nhost = https://jp.example\ntoken = 古い\n"
    let after = "\n[Ωmega]\nhost = https://o.example\n"
    let text = before + target + after
    let changed = try edited(text) { try $0.set("token", to: "新しい-🔑", in: "日本語") }
    #expect(changed == before + "[日本語]\nhost = https://jp.example\ntoken = 新しい-🔑\n" + after)
    let added = try edited(text) { try $0.set("comment", to: "ünï ✓", in: "Ωmega") }
    #expect(added == before + target + "\n[Ωmega]\nhost = https://o.example\ncomment = ünï ✓\n")
    let removed = try edited(text) { $0.removeSection("ünïcödé 🧱") }
    #expect(removed == "; profils 🧱\n\n" + target + after)
    let appended = try edited(text) { try $0.set("host", to: "https://nouveau.example", in: "café ☕") }
    #expect(appended == text + "\n[café ☕]\nhost = https://nouveau.example\n")
    let reread = try INIDocument(parsing: Array(appended.utf8))
    #expect(reread.section("café ☕")?.values["host"] == "https://nouveau.example")
    #expect(reread.section("日本語")?.values["token"] == "古い")
  }

  @Test func readsAFileStartingWithAByteOrderMarkAsIfItHadNone() throws {
    let document = try INIDocument(parsing: Array((Self.byteOrderMark + "[a]\nhost = https://a\n").utf8))
    #expect(document.sections.map(\.name) == ["a"])
    #expect(document.section("a")?.values == ["host": "https://a"])
    let implicit = try INIDocument(parsing: Array((Self.byteOrderMark + "host = https://d\n").utf8))
    #expect(implicit.section("DEFAULT")?.values == ["host": "https://d"])
  }

  @Test func keepsAByteOrderMarkThroughEveryEdit() throws {
    let bom = Self.byteOrderMark
    let (a, b) = ("[a]\nhost = https://a\n", "[b]\nhost = https://b\n")
    let text = bom + a + "\n" + b
    let editedB = try edited(text) { try $0.set("host", to: "https://b2", in: "b") }
    #expect(editedB == bom + a + "\n[b]\nhost = https://b2\n")
    let editedA = try edited(text) { try $0.set("host", to: "https://a2", in: "a") }
    #expect(editedA == bom + "[a]\nhost = https://a2\n\n" + b)
    // Removing the first line must not take the mark with it: it belongs to the file, not to that section.
    #expect(try edited(text) { $0.removeSection("a") } == bom + b)
    #expect(try edited(bom + "; about a\n" + a + b) { $0.removeSection("a") } == bom + "; about a\n" + b)
    let implicit = bom + "host = https://d\ntoken = t\n" + b
    #expect(try edited(implicit) { $0.removeKey("host", from: "DEFAULT") } == bom + "token = t\n" + b)
    let defaultHost = try edited(implicit) { try $0.set("host", to: "https://e", in: "DEFAULT") }
    #expect(defaultHost == bom + "host = https://e\ntoken = t\n" + b)
    #expect(try edited(bom) { try $0.set("host", to: "https://n", in: "n") } == bom + "[n]\nhost = https://n\n")
    #expect(try edited(bom + a) { $0.removeSection("a") } == bom)
  }

  @Test func editsOneProfileOfTwentyThousandAndNothingElse() async throws {
    func profile(_ index: Int, token: String? = nil) -> String {
      "[profile-\(index)]\nhost = https://w\(index).cloud.databricks.com\ntoken = \(token ?? "dapi\(index)")\n\n"
    }
    let before = "; header\n" + (0..<10_000).map { profile($0) }.joined()
    let after = (10_001..<20_000).map { profile($0) }.joined()
    let text = before + profile(10_000) + after
    // Seconds of parsing in a debug build: on a thread of its own, so the other tests keep the cooperative pool.
    let (changed, removed, appended) = try await DedicatedThread.run {
      (
        try edited(text) { try $0.set("token", to: "dapiNEW", in: "profile-10000") },
        try edited(text) { $0.removeSection("profile-10000") },
        try edited(text) { try $0.set("host", to: "https://last.example", in: "profile-20000") }
      )
    }
    #expect(changed == before + profile(10_000, token: "dapiNEW") + after)
    #expect(removed == before + after)
    #expect(appended == text + "[profile-20000]\nhost = https://last.example\n")
  }
}

/// Section names compare byte for byte, as go-ini compares Go strings: `café` written precomposed (NFC) and decomposed
/// (NFD) are two sections, though Swift's `==` calls them equal.
@Suite struct INIDocumentSectionNameTests {
  static let composed = "caf\u{E9}"
  static let decomposed = "cafe\u{301}"

  @Test func namesThatAreCanonicallyEquivalentAreDifferentSections() throws {
    let text = "[\(Self.composed)]\nhost = https://one\n\n[\(Self.decomposed)]\nhost = https://two\n"
    var document = try INIDocument(parsing: Array(text.utf8))
    #expect(document.sections.count == 2)
    #expect(document.section(Self.composed)?.values["host"] == "https://one")
    #expect(document.section(Self.decomposed)?.values["host"] == "https://two")
    try document.set("host", to: "https://three", in: Self.decomposed)
    document.removeKey("token", from: Self.composed)
    #expect(document.section(Self.composed)?.values["host"] == "https://one")
    #expect(document.section(Self.decomposed)?.values["host"] == "https://three")
    document.removeSection(Self.composed)
    #expect(document.section(Self.composed) == nil)
    #expect(document.section(Self.decomposed)?.values["host"] == "https://three")
    let config = ConfigFile(path: "/c", document: document)
    #expect(config.profile(Self.composed) == nil)
    #expect(config.profile(Self.decomposed)?.host?.url == "https://three")
  }
}
