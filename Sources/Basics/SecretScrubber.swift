import Foundation

/// Keeps secrets out of what the service writes: no token, refresh token, code, verifier or client secret may reach
/// an answer, however a server's error echoes the request it was sent.
///
/// Every secret the service sends anywhere is remembered here as it is sent (``remember(_:)``, by the HTTP client:
/// the bearer, and the codes, verifiers and refresh tokens of form bodies), and ``redact(_:)``, which every string of
/// every error goes through on its way out, replaces each remembered secret and anything credential-shaped: PATs
/// (`dapi…`, `dose…`, `dkea…`, `dsapi…`), JWTs (`eyJ…`) and the token after `Bearer`.
///
/// ``scrub(_:knownSecrets:)`` is stricter, for upstream text taken into an error message: long opaque words go too,
/// and the text is cut to a bounded length.
package enum SecretScrubber {
  package static let maximumLength = 300
  /// What replaces a secret.
  package static let placeholder = "<redacted>"
  /// Shorter values are not remembered: replacing them would mangle ordinary words, and no credential is so short.
  static let minimumSecretLength = 8
  /// How many secrets are remembered, the most recently sent: many more than requests run at once, so the secrets
  /// of every request in flight are among them.
  static let rememberedCount = 256
  private static let remembered = Locked<[String]>([])

  /// Remembers secrets that are about to be sent, so that an error echoing them is redacted.
  package static func remember(_ secrets: [String]) {
    let worthRemembering = secrets.filter { $0.count >= minimumSecretLength }
    guard !worthRemembering.isEmpty else { return }
    remembered.withLock { list in
      list.removeAll { worthRemembering.contains($0) }
      list.append(contentsOf: worthRemembering)
      if list.count > rememberedCount { list.removeFirst(list.count - rememberedCount) }
    }
  }

  /// `text` without any remembered secret and without credential-shaped words; everything else is kept as it is.
  package static func redact(_ text: String) -> String {
    redactingWords(redactingRemembered(text, plus: []), opaque: false)
  }

  /// Upstream `text` made fit for an error message: ``redact(_:)``, and also `knownSecrets` and long opaque words
  /// (refresh tokens, codes), cut to ``maximumLength``.
  package static func scrub(_ text: String, knownSecrets: [String] = []) -> String {
    var output = redactingWords(redactingRemembered(text, plus: knownSecrets), opaque: true)
    if output.count > maximumLength { output = String(output.prefix(maximumLength)) + "…" }
    return output
  }

  private static func redactingRemembered(_ text: String, plus knownSecrets: [String]) -> String {
    var result = text
    let secrets = remembered.withLock { $0 } + knownSecrets.filter { $0.count >= minimumSecretLength }
    for secret in secrets where result.contains(secret) {
      result = result.replacingOccurrences(of: secret, with: placeholder)
    }
    return result
  }

  /// `text` with each credential-shaped word replaced (with `opaque`, long mixes of letters and digits as well).
  private static func redactingWords(_ text: String, opaque: Bool) -> String {
    var output = ""
    var word = ""
    var afterBearer = false
    func flush() {
      guard !word.isEmpty else { return }
      let bearerToken = afterBearer && word.count >= minimumSecretLength && !word.allSatisfy(\.isLetter)
      output += bearerToken || looksLikeSecret(word, opaque: opaque) ? placeholder : word
      afterBearer = word.lowercased() == "bearer"
      word = ""
    }
    for character in text {
      if character.isLetter || character.isNumber || "-_.~+/=".contains(character) {
        word.append(character)
      } else {
        flush()
        output.append(character)
      }
    }
    flush()
    return output
  }

  static func looksLikeSecret(_ word: String, opaque: Bool) -> Bool {
    let prefixes = ["dapi", "dose", "dkea", "dsapi", "eyJ"]
    if word.count >= 20, prefixes.contains(where: { word.hasPrefix($0) }) { return true }
    // A long run of letters and digits mixed together (opaque tokens, refresh tokens, codes).
    guard opaque, word.count >= 32 else { return false }
    let digits = word.filter(\.isNumber).count
    let letters = word.filter(\.isLetter).count
    return digits >= 4 && letters >= 4
  }
}
