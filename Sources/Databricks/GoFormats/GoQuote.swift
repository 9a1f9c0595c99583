/// Go's `strconv.Quote` (what `%q` prints), so error messages that quote a value read exactly like the CLI's.
enum GoQuote {
  static func quote(_ text: String) -> String {
    var quoted = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\u{07}": quoted += "\\a"
      case "\u{08}": quoted += "\\b"
      case "\u{0C}": quoted += "\\f"
      case "\n": quoted += "\\n"
      case "\r": quoted += "\\r"
      case "\t": quoted += "\\t"
      case "\u{0B}": quoted += "\\v"
      default:
        if isPrintable(scalar) {
          quoted.unicodeScalars.append(scalar)
        } else if scalar.value < 0x80 {
          quoted += "\\x" + hex(scalar.value, width: 2)
        } else if scalar.value < 0x10000 {
          quoted += "\\u" + hex(scalar.value, width: 4)
        } else {
          quoted += "\\U" + hex(scalar.value, width: 8)
        }
      }
    }
    return quoted + "\""
  }

  /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation and symbols, and the ASCII space only.
  private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark,
      .decimalNumber, .letterNumber, .otherNumber,
      .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation,
      .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }

  private static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
