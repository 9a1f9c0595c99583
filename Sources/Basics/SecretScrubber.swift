import Foundation

/// Removes anything credential-shaped from text that came from upstream before it reaches an error message.
///
/// Databricks messages are normally safe ("Invalid access token."), but a body can echo what it was sent, and the
/// contract is that secrets never reach stderr or error text. PATs (`dapi…`, `dose…`, `dkea…`), JWTs (`eyJ…`) and long
/// opaque tokens are replaced by `<redacted>`, and the text is cut to a bounded length.
package enum SecretScrubber {
  package static let maximumLength = 300

  package static func scrub(_ text: String, knownSecrets: [String] = []) -> String {
    var result = text
    for secret in knownSecrets where secret.count >= 8 {
      result = result.replacingOccurrences(of: secret, with: "<redacted>")
    }
    var output = ""
    var word = ""
    func flush() {
      output += looksLikeSecret(word) ? "<redacted>" : word
      word = ""
    }
    for character in result {
      if character.isLetter || character.isNumber || "-_.~+/=".contains(character) {
        word.append(character)
      } else {
        flush()
        output.append(character)
      }
    }
    flush()
    if output.count > maximumLength { output = String(output.prefix(maximumLength)) + "…" }
    return output
  }

  static func looksLikeSecret(_ word: String) -> Bool {
    let prefixes = ["dapi", "dose", "dkea", "dsapi", "eyJ"]
    if word.count >= 20, prefixes.contains(where: { word.hasPrefix($0) }) { return true }
    // A long run of letters and digits mixed together (opaque tokens, refresh tokens, codes).
    guard word.count >= 32 else { return false }
    let digits = word.filter(\.isNumber).count
    let letters = word.filter(\.isLetter).count
    return digits >= 4 && letters >= 4
  }
}
