import Foundation

/// The macOS login keychain through `/usr/bin/security`, exactly as go-keyring (and so the CLI) drives it.
///
/// - Writing runs `security -i` and types the `add-generic-password` command on its stdin, so the secret is never on
///   a command line; go-keyring does the same, and refuses commands over 4096 bytes (`security`'s line buffer).
/// - The stored value is `go-keyring-base64:` + base64 of the secret; reading also accepts go-keyring's older
///   `go-keyring-encoded:` (hex) values and raw ones.
/// - "Not found" is the text `could not be found` in what `security` printed, as go-keyring decides it (its exit
///   code, 44, is not documented).
package struct SecurityTool: KeyringTool {
  package var executable: String

  package init(executable: String = "/usr/bin/security") {
    self.executable = executable
  }

  package static let base64Prefix = "go-keyring-base64:"
  package static let hexPrefix = "go-keyring-encoded:"
  /// go-keyring's limit on the interactive command, and its error for a longer one (`ErrSetDataTooBig`).
  package static let maximumCommandBytes = 4096
  package static let tooBigMessage = "data passed to Set was too big"

  package func lookup(service: String, account: String) -> KeyringCommand {
    KeyringCommand([executable, "find-generic-password", "-s", service, "-wa", account])
  }

  package func lookupResult(_ output: BoundedProcess.Output) throws(KeyringError) -> String? {
    if Self.notFound(output) { return nil }
    guard output.status == 0 else { throw Self.failure(output) }
    return Self.decode(String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }

  package func store(_ secret: String, service: String, account: String) throws(KeyringError) -> [KeyringCommand] {
    // `security -i` reads one command per line and the quoting below cannot carry a line break or a NUL: a name with
    // one would end the command early and the rest would run as a command of its own.
    guard ![service, account].contains(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
    else { throw .failed(reason: "the keyring cannot hold a service or account name with control characters") }
    let value = Self.base64Prefix + Data(secret.utf8).base64EncodedString()
    let line = "add-generic-password -U -s \(Self.quote(service)) -a \(Self.quote(account)) -w \(Self.quote(value))\n"
    guard line.utf8.count <= Self.maximumCommandBytes else { throw .failed(reason: Self.tooBigMessage) }
    return [KeyringCommand([executable, "-i"], input: Array(line.utf8))]
  }

  package func storeResult(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool {
    guard output.status == 0 else { throw Self.failure(output) }
    return true
  }

  package func delete(service: String, account: String) -> KeyringCommand {
    KeyringCommand([executable, "delete-generic-password", "-s", service, "-a", account])
  }

  package func deleteResult(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool {
    if Self.notFound(output) { return false }
    guard output.status == 0 else { throw Self.failure(output) }
    return true
  }

  package func unavailability(environment: [String: String]) -> String? { nil }

  /// A stored value as go-keyring's `Get` returns it; `nil` when a prefixed value does not decode (go-keyring fails
  /// there; brickauth treats it as no token, so the user logs in again and the item is overwritten, as for an entry
  /// of the token cache file that cannot be decoded).
  package static func decode(_ stored: String) -> String? {
    if stored.hasPrefix(hexPrefix) {
      let hex = Array(stored.utf8.dropFirst(hexPrefix.utf8.count))
      // Go's hex.DecodeString: an even number of hex digits, nothing else (no sign, unlike UInt8(_:radix:)).
      let digits = Set("0123456789abcdefABCDEF".utf8)
      guard hex.count.isMultiple(of: 2), hex.allSatisfy(digits.contains) else { return nil }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(hex.count / 2)
      for index in stride(from: 0, to: hex.count, by: 2) {
        guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
        bytes.append(byte)
      }
      return String(bytes: bytes, encoding: .utf8)
    }
    if stored.hasPrefix(base64Prefix) {
      guard let data = Data(base64Encoded: String(stored.dropFirst(base64Prefix.count))) else { return nil }
      return String(data: data, encoding: .utf8)
    }
    return stored
  }

  /// go-keyring's `shellescape.Quote`, whose quoting `security -i` undoes: words of only `[A-Za-z0-9_@%+=:,./-]`
  /// stay as they are (the base64 value always does), anything else goes in single quotes with each `'` written as
  /// `'"'"'`, and the empty string is `''`.
  package static func quote(_ word: String) -> String {
    if word.isEmpty { return "''" }
    let plain = word.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII
        && (CharacterSet.alphanumerics.contains(scalar) || "_@%+=:,./-".unicodeScalars.contains(scalar))
    }
    if plain { return word }
    return "'" + word.replacingOccurrences(of: "'", with: #"'"'"'"#) + "'"
  }

  private static func notFound(_ output: BoundedProcess.Output) -> Bool {
    String(decoding: output.stdout + output.stderr, as: UTF8.self).contains("could not be found")
  }

  private static func failure(_ output: BoundedProcess.Output) -> KeyringError {
    let text = output.errorText
    return .failed(reason: text.isEmpty ? "security exited with status \(output.status)" : text)
  }
}
