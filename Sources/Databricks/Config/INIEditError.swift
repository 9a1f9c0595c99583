/// An edit that cannot be written so that every reader (go-ini, Python's configparser) reads back what was meant.
///
/// Cases name the key but never carry the value: values can be tokens.
package enum INIEditError: Error, Equatable, Sendable {
  /// A section name with `]`, a line break or surrounding spaces, or the reserved empty name.
  case unrepresentableSection(String)
  /// A key with a separator, a comment marker, a line break or surrounding spaces.
  case unrepresentableKey(String)
  /// A value with a line break, surrounding spaces or quotes, an inline comment marker or a trailing `\`.
  case unrepresentableValue(key: String)
}

extension INIDocument {
  static func validate(section: String) throws(INIEditError) {
    let bytes = Array(section.utf8)
    guard !bytes.isEmpty, !bytes.contains(where: { $0 == UInt8(ascii: "]") || $0 == 0x0A || $0 == 0x0D }),
      !INILineClassifier.isSpace(bytes[0]), let last = bytes.last, !INILineClassifier.isSpace(last)
    else { throw .unrepresentableSection(section) }
  }

  static func validate(key: String) throws(INIEditError) {
    let bytes = Array(key.utf8)
    let forbidden: Set<UInt8> = [0x0A, 0x0D, UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "[")]
    guard let first = bytes.first, let last = bytes.last, !bytes.contains(where: forbidden.contains),
      first != UInt8(ascii: "#"), first != UInt8(ascii: ";"), first != UInt8(ascii: "`"), first != UInt8(ascii: "\""),
      !INILineClassifier.isSpace(first), !INILineClassifier.isSpace(last)
    else { throw .unrepresentableKey(key) }
  }

  /// A value is representable when go-ini reads `key = value` back as exactly `value` and it is a single line.
  static func validate(value: String, of key: String) throws(INIEditError) {
    let bytes = Array(value.utf8)
    guard !bytes.contains(0x0A), !bytes.contains(0x0D), bytes.first != UInt8(ascii: "`"),
      INILineClassifier.value(INILineClassifier.trimmed(bytes[...])) == value,
      bytes.last != UInt8(ascii: "\\")
    else { throw .unrepresentableValue(key: key) }
  }
}
