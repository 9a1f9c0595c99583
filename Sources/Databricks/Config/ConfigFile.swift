/// A parsed `.databrickscfg`: the byte-preserving document plus the merged sections readers see.
package struct ConfigFile: Sendable {
  package static let settingsSection = "__settings__"

  package let path: String
  package let document: INIDocument
  package let sections: [INIDocument.Section]
  private let sectionIndex: [String: Int]

  package init(path: String, bytes: some Collection<UInt8>) throws(ConfigError) {
    let document: INIDocument
    do {
      document = try INIDocument(parsing: bytes)
    } catch {
      throw .malformed(path: path, line: error.line, reason: error.reason)
    }
    self.init(path: path, document: document)
  }

  package init(path: String, document: INIDocument) {
    self.path = path
    self.document = document
    sections = document.sections
    sectionIndex = Dictionary(sections.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  package func section(_ name: String) -> INIDocument.Section? {
    sectionIndex[name].map { sections[$0] }
  }

  /// `[__settings__]`: `default_profile`, `auth_storage`.
  package var settings: [String: String] { section(Self.settingsSection)?.values ?? [:] }

  /// The sections that are profiles: all but `__settings__`, and `DEFAULT` only when it has keys (the SDKs skip an
  /// empty `DEFAULT`, and the CLI writes one as a placeholder).
  package var profileSections: [INIDocument.Section] {
    sections.filter { $0.name != Self.settingsSection && !($0.name == INIDocument.defaultSection && $0.values.isEmpty) }
  }

  package var profileNames: [String] { profileSections.map(\.name) }

  /// The profile built from section `name`, if it is a profile.
  package func profile(_ name: String) -> Profile? {
    guard name != Self.settingsSection, let section = section(name),
      name != INIDocument.defaultSection || !section.values.isEmpty
    else { return nil }
    return Profile(name: name, source: .config(path: path, line: section.line), attributes: section.values)
  }
}
