/// The one rule for a profile name brickauth writes, and how profile names compare.
///
/// A name reaches four places: a `[section]` header of the config file, a key of the token cache, and an argument of
/// the keyring tool (`secret-tool`'s command line; the line `security -i` reads on macOS). The Databricks CLI has no
/// rule of its own beyond reserving `__settings__` (checked in its `libs/databrickscfg/ops.go` `SaveToProfile`; its
/// `cmd/auth/login.go` takes `--profile` or the prompt's answer as typed), so the rule is a conservative one that every
/// name the CLI makes up satisfies (the host's first label, `ACCOUNT-<id>`, `DEFAULT`) and that every place can hold
/// exactly:
///
/// - not empty (an empty name means the default profile), not `__settings__` (the config's own settings);
/// - no control characters (C0, DEL, C1): a NUL cuts a command-line argument short, so `a\0b` would name `a`'s
///   keyring entry, and a line break ends a config line or `security -i`'s command;
/// - no leading `-`: the keyring tools would read the name as an option (`secret-tool lookup … username -h` prints
///   its help, exits 0, and the help would be read as the secret);
/// - no `]` and no surrounding spaces, which a `[section]` header cannot hold.
///
/// Names compare byte for byte, as the CLI's Go strings do. Swift's `String ==` (and so a `[String: …]` key) uses
/// canonical equivalence, under which `café` precomposed and `café` decomposed are one name: two profiles the CLI
/// keeps apart would share a section, a login and tokens.
package enum ProfileName {
  /// Why `name` cannot be a profile brickauth writes, worded to follow the param's name; `nil` when it can.
  package static func problem(_ name: String) -> String? {
    let bytes = Array(name.utf8)
    guard let first = bytes.first, let last = bytes.last else { return "must not be empty" }
    if same(name, ConfigFile.settingsSection) {
      return "must not be \(ConfigFile.settingsSection), the settings section"
    }
    if name.unicodeScalars.contains(where: isControl) { return "must not contain control characters" }
    if first == UInt8(ascii: "-") { return "must not start with '-'" }
    if bytes.contains(UInt8(ascii: "]")) { return "must not contain ']'" }
    if INILineClassifier.isSpace(first) || INILineClassifier.isSpace(last) {
      return "must not start or end with a space"
    }
    return nil
  }

  /// Whether two names are the same profile: the same bytes.
  package static func same(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.elementsEqual(rhs.utf8)
  }

  /// A dictionary key that keeps names apart as the CLI does (see ``same(_:_:)``).
  package struct Key: Hashable, Sendable {
    package let bytes: [UInt8]

    package init(_ name: String) {
      bytes = Array(name.utf8)
    }
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }
}
