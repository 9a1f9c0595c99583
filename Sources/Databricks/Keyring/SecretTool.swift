import Foundation

/// The Secret Service (GNOME Keyring, KWallet, KeePassXC) through libsecret's `secret-tool`, placing items exactly
/// where go-keyring, and so the CLI, puts and finds them.
///
/// - Attributes `service` and `username` (the account), nothing else: `secret-tool` adds no `xdg:schema`, so the
///   CLI's search and ours match the same items.
/// - The label go-keyring writes, `Password for '<account>' on '<service>'`.
/// - The `login` collection, where go-keyring writes; where a Secret Service has no such collection (KeePassXC),
///   the default alias, as go-keyring falls back to it.
/// - The secret goes in on stdin, raw: `secret-tool` reads a non-terminal stdin to its end and stores it unchanged
///   (no newline is stripped, so none is sent), and prints a looked-up secret without a newline when its stdout is a
///   pipe.
///
/// `secret-tool` exits 1 both for "not found" and for an error; only an error prints something, on stderr. Its
/// options are parsed by GLib, which honours `--`: every command ends its options with it, so an account that starts
/// with `-` (`-h` would print the help and exit 0) is an attribute value, never an option.
package struct SecretTool: KeyringTool {
  /// The `secret-tool` program: a name looked up on `PATH`, or a path.
  package var executable: String

  package init(executable: String = "secret-tool") {
    self.executable = executable
  }

  /// go-keyring's preferred collection.
  package static let loginCollection = "/org/freedesktop/secrets/collection/login"
  /// `secret-tool` reads at most this much of stdin and would silently store a truncated secret beyond it.
  package static let maximumSecretBytes = 8192

  package static func label(service: String, account: String) -> String {
    "Password for '\(account)' on '\(service)'"
  }

  package func lookup(service: String, account: String) -> KeyringCommand {
    KeyringCommand([executable, "lookup", "--", "service", service, "username", account])
  }

  package func lookupResult(_ output: BoundedProcess.Output) throws(KeyringError) -> String? {
    switch try Self.outcome(output) {
    case true: String(decoding: output.stdout, as: UTF8.self)
    case false: nil
    }
  }

  package func store(_ secret: String, service: String, account: String) throws(KeyringError) -> [KeyringCommand] {
    let bytes = Array(secret.utf8)
    guard bytes.count <= Self.maximumSecretBytes else {
      throw .failed(
        reason: "the secret is \(bytes.count) bytes; secret-tool stores at most \(Self.maximumSecretBytes)"
      )
    }
    let command = [executable, "store", "--label=\(Self.label(service: service, account: account))"]
    let attributes = ["--", "service", service, "username", account]
    return [
      KeyringCommand(command + ["--collection=\(Self.loginCollection)"] + attributes, input: bytes),
      KeyringCommand(command + attributes, input: bytes),
    ]
  }

  package func storeResult(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool {
    if output.status == 0 { return true }
    // "Object does not exist at path “/org/freedesktop/secrets/collection/login”": try the default alias.
    if output.errorText.contains("does not exist") || output.errorText.contains("No such object") { return false }
    throw Self.failure(output)
  }

  package func delete(service: String, account: String) -> KeyringCommand {
    KeyringCommand([executable, "clear", "--", "service", service, "username", account])
  }

  package func deleteResult(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool {
    try Self.outcome(output)
  }

  /// libsecret finds the session bus through `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`, else by
  /// autolaunching one for an X11 `DISPLAY`. With none of them there is no Secret Service to reach.
  package func unavailability(environment: [String: String]) -> String? {
    func isSet(_ name: String) -> Bool { !(environment[name] ?? "").isEmpty }
    if isSet("DBUS_SESSION_BUS_ADDRESS") || isSet("DISPLAY") { return nil }
    if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty,
      FileManager.default.fileExists(atPath: runtime + "/bus")
    {
      return nil
    }
    return "no D-Bus session bus to reach a Secret Service on (DBUS_SESSION_BUS_ADDRESS is not set)"
  }

  /// `true` for success, `false` for the silent exit 1 of "nothing matched".
  private static func outcome(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool {
    if output.status == 0 { return true }
    if output.status == 1 && output.errorText.isEmpty { return false }
    throw failure(output)
  }

  private static func failure(_ output: BoundedProcess.Output) -> KeyringError {
    var text = output.errorText
    if text.hasPrefix("secret-tool: ") { text.removeFirst("secret-tool: ".count) }
    return .failed(reason: text.isEmpty ? "secret-tool exited with status \(output.status)" : text)
  }
}
