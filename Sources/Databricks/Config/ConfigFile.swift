/// A parsed `.databrickscfg`: the byte-preserving document plus the merged sections readers see.
package struct ConfigFile: Sendable {
  package static let settingsSection = "__settings__"

  package let path: String
  package let document: INIDocument
  package let sections: [INIDocument.Section]
  /// The profile sections as profiles, built once per parse: a profile's host normalisation is not free, and
  /// `listProfiles` may be called thousands of times between two changes of the file.
  package let profiles: [Profile]
  /// Keyed by the names' bytes, so canonically equivalent names stay two sections (see ``ProfileName``).
  private let sectionIndex: [ProfileName.Key: Int]
  private let profileIndex: [ProfileName.Key: Int]

  /// - Parameter environment: the process environment, which decides some profiles' auth type (``DefaultAuthOrder``).
  package init(path: String, bytes: some Collection<UInt8>, environment: [String: String] = [:]) throws(ConfigError) {
    let document: INIDocument
    do {
      document = try INIDocument(parsing: bytes)
    } catch {
      throw .malformed(path: path, line: error.line, reason: error.reason)
    }
    self.init(path: path, document: document, environment: environment)
  }

  package init(path: String, document: INIDocument, environment: [String: String] = [:]) {
    self.path = path
    self.document = document
    sections = document.sections
    sectionIndex = Dictionary(
      sections.enumerated().map { (ProfileName.Key($1.name), $0) },
      uniquingKeysWith: { first, _ in first }
    )
    profiles = sections.filter(Self.isProfile).map { section in
      Profile(
        name: section.name,
        source: .config(path: path, line: section.line),
        attributes: section.values,
        environment: environment
      )
    }
    profileIndex = Dictionary(uniqueKeysWithValues: profiles.enumerated().map { (ProfileName.Key($1.name ?? ""), $0) })
  }

  /// All sections are profiles but `__settings__`, and `DEFAULT` only when it has keys: the SDKs skip an empty
  /// `DEFAULT`, and the CLI writes one as a placeholder.
  private static func isProfile(_ section: INIDocument.Section) -> Bool {
    !ProfileName.same(section.name, settingsSection)
      && !(ProfileName.same(section.name, INIDocument.defaultSection) && section.values.isEmpty)
  }

  package func section(_ name: String) -> INIDocument.Section? {
    sectionIndex[ProfileName.Key(name)].map { sections[$0] }
  }

  /// `[__settings__]`: `default_profile`, `auth_storage`.
  package var settings: [String: String] { section(Self.settingsSection)?.values ?? [:] }

  package var profileNames: [String] { profiles.compactMap(\.name) }

  /// The profile built from section `name`, if it is a profile.
  package func profile(_ name: String) -> Profile? {
    profileIndex[ProfileName.Key(name)].map { profiles[$0] }
  }
}
