import Databricks
import Foundation
import TestSupport
import Testing

/// The two keyring tools as pure values: the exact command lines brickauth runs and how it reads what they print.
///
/// Both must match go-keyring byte for byte, or the CLI and brickauth stop seeing each other's tokens; and no secret
/// may ever appear on a command line, where `ps` shows it to every user on the machine.
@Suite struct KeyringToolTests {
  static let service = "databricks-cli"
  static let secret = #"{"token":{"access_token":"a"}}"#

  static func output(_ status: Int32, stdout: String = "", stderr: String = "") -> BoundedProcess.Output {
    BoundedProcess.Output(status: status, stdout: Array(stdout.utf8), stderr: Array(stderr.utf8))
  }
}

extension KeyringToolTests {
  /// libsecret's `secret-tool`, driven as go-keyring's Secret Service client places items: attributes `service` and
  /// `username`, go-keyring's label, the `login` collection first, and the secret raw on stdin.
  @Suite struct SecretToolTests {
    let tool = SecretTool()

    @Test func looksUpAndClearsByServiceAndUsername() {
      #expect(
        tool.lookup(service: service, account: "dev")
          == KeyringCommand(["secret-tool", "lookup", "--", "service", "databricks-cli", "username", "dev"])
      )
      #expect(
        tool.delete(service: service, account: "dev")
          == KeyringCommand(["secret-tool", "clear", "--", "service", "databricks-cli", "username", "dev"])
      )
      #expect(tool.lookup(service: service, account: "dev").input.isEmpty)
      #expect(tool.delete(service: service, account: "dev").input.isEmpty)
    }

    @Test func runsTheExecutableItWasGiven() throws {
      let custom = SecretTool(executable: "/opt/libsecret/bin/secret-tool")
      #expect(custom.lookup(service: service, account: "dev").arguments.first == "/opt/libsecret/bin/secret-tool")
      #expect(custom.delete(service: service, account: "dev").arguments.first == "/opt/libsecret/bin/secret-tool")
      let store = try custom.store(secret, service: service, account: "dev")
      #expect(store.map { $0.arguments.first } == ["/opt/libsecret/bin/secret-tool", "/opt/libsecret/bin/secret-tool"])
    }

    @Test func storesInTheLoginCollectionThenTheDefaultAliasWithTheSecretOnlyOnStdin() throws {
      let label = "--label=Password for 'my profile' on 'databricks-cli'"
      let commands = try tool.store(secret, service: service, account: "my profile")
      #expect(
        commands == [
          KeyringCommand(
            [
              "secret-tool", "store", label, "--collection=/org/freedesktop/secrets/collection/login", "--",
              "service", "databricks-cli", "username", "my profile",
            ],
            input: Array(secret.utf8)
          ),
          KeyringCommand(
            ["secret-tool", "store", label, "--", "service", "databricks-cli", "username", "my profile"],
            input: Array(secret.utf8)
          ),
        ]
      )
      for command in commands {
        #expect(!command.arguments.contains { $0.contains("access_token") })
      }
    }

    @Test func sendsTheSecretUnchangedWithoutAddingANewline() throws {
      let commands = try tool.store("line one\nline two\n", service: service, account: "dev")
      #expect(commands.map(\.input) == [Array("line one\nline two\n".utf8), Array("line one\nline two\n".utf8)])
      #expect(try tool.store("", service: service, account: "dev").map(\.input) == [[], []])
    }

    @Test func labelsItemsAsGoKeyringDoes() {
      #expect(SecretTool.label(service: "databricks-cli", account: "dev") == "Password for 'dev' on 'databricks-cli'")
    }

    @Test func refusesSecretsLongerThanSecretToolReads() throws {
      #expect(try tool.store(String(repeating: "x", count: 8192), service: service, account: "dev").count == 2)
      #expect(throws: KeyringError.failed(reason: "the secret is 8193 bytes; secret-tool stores at most 8192")) {
        try tool.store(String(repeating: "x", count: 8193), service: service, account: "dev")
      }
      // Counted in UTF-8 bytes, not characters: 4097 "é" are 8194 bytes.
      #expect(throws: KeyringError.failed(reason: "the secret is 8194 bytes; secret-tool stores at most 8192")) {
        try tool.store(String(repeating: "é", count: 4097), service: service, account: "dev")
      }
    }

    @Test func returnsTheLookedUpSecretByteForByte() throws {
      #expect(try tool.lookupResult(output(0, stdout: secret)) == secret)
      // secret-tool adds no newline on a pipe, so one that is there belongs to the secret.
      #expect(try tool.lookupResult(output(0, stdout: "with newline\n")) == "with newline\n")
      #expect(try tool.lookupResult(output(0, stdout: " padded ")) == " padded ")
      #expect(try tool.lookupResult(output(0, stdout: "")) == "")
    }

    @Test func readsASilentExitOneAsNotFound() throws {
      #expect(try tool.lookupResult(output(1)) == nil)
      #expect(try tool.deleteResult(output(1)) == false)
      #expect(try tool.deleteResult(output(0)) == true)
    }

    @Test func reportsWhatSecretToolPrintedWithoutItsPrefix() {
      let noBus = output(1, stderr: "secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY\n")
      let expected = KeyringError.failed(reason: "Cannot autolaunch D-Bus without X11 $DISPLAY")
      #expect(throws: expected) { try tool.lookupResult(noBus) }
      #expect(throws: expected) { try tool.deleteResult(noBus) }
      #expect(throws: expected) { try tool.storeResult(noBus) }
      // Only the tool's own prefix goes; other text is kept as it is.
      #expect(throws: KeyringError.failed(reason: "Unknown option --collection")) {
        try tool.lookupResult(output(2, stderr: "Unknown option --collection\n"))
      }
    }

    @Test func reportsTheStatusWhenSecretToolPrintedNothing() {
      #expect(throws: KeyringError.failed(reason: "secret-tool exited with status 2")) {
        try tool.lookupResult(output(2))
      }
      #expect(throws: KeyringError.failed(reason: "secret-tool exited with status 137")) {
        try tool.deleteResult(output(137))
      }
      // A silent exit 1 is "not found" for lookup and clear, but a failure for store.
      #expect(throws: KeyringError.failed(reason: "secret-tool exited with status 1")) {
        try tool.storeResult(output(1))
      }
    }

    @Test func fallsBackWhenTheLoginCollectionDoesNotExist() throws {
      #expect(try tool.storeResult(output(0)) == true)
      // gnome-keyring without a login collection, and a GDBus "unknown object" from other Secret Services.
      let gnome = "secret-tool: Object does not exist at path “/org/freedesktop/secrets/collection/login”\n"
      #expect(try tool.storeResult(output(1, stderr: gnome)) == false)
      let gdbus = "secret-tool: No such object path '/org/freedesktop/secrets/collection/login'\n"
      #expect(try tool.storeResult(output(1, stderr: gdbus)) == false)
      #expect(throws: KeyringError.failed(reason: "Cannot create an item in a locked collection")) {
        try tool.storeResult(output(1, stderr: "secret-tool: Cannot create an item in a locked collection\n"))
      }
    }

    @Test func findsTheSessionBusAsLibsecretDoes() throws {
      let unreachable = "no D-Bus session bus to reach a Secret Service on (DBUS_SESSION_BUS_ADDRESS is not set)"
      #expect(tool.unavailability(environment: [:]) == unreachable)
      #expect(tool.unavailability(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"]) == nil)
      #expect(tool.unavailability(environment: ["DISPLAY": ":0"]) == nil)
      // Set but empty is not set.
      #expect(tool.unavailability(environment: ["DBUS_SESSION_BUS_ADDRESS": "", "DISPLAY": ""]) == unreachable)
      #expect(tool.unavailability(environment: ["XDG_RUNTIME_DIR": ""]) == unreachable)

      let runtime = try ScratchDirectory.make(prefix: "keyring-runtime")
      defer { try? FileManager.default.removeItem(at: runtime) }
      #expect(tool.unavailability(environment: ["XDG_RUNTIME_DIR": runtime.path]) == unreachable)
      try Data().write(to: runtime.appendingPathComponent("bus"))
      #expect(tool.unavailability(environment: ["XDG_RUNTIME_DIR": runtime.path]) == nil)
    }
  }
}

extension KeyringToolTests {
  /// macOS `/usr/bin/security` as go-keyring drives it: `security -i` reading one `add-generic-password` line on
  /// stdin (shell-quoted, base64-encoded, at most 4096 bytes), and go-keyring's decoding of what it reads back.
  @Suite struct SecurityToolTests {
    let tool = SecurityTool()

    @Test func looksUpAndDeletesByServiceAndAccount() {
      #expect(
        tool.lookup(service: service, account: "dev")
          == KeyringCommand(["/usr/bin/security", "find-generic-password", "-s", "databricks-cli", "-wa", "dev"])
      )
      #expect(
        tool.delete(service: service, account: "dev")
          == KeyringCommand(["/usr/bin/security", "delete-generic-password", "-s", "databricks-cli", "-a", "dev"])
      )
      #expect(tool.unavailability(environment: [:]) == nil)
    }

    @Test func typesTheStoreCommandOnStdinWithTheSecretInBase64() throws {
      // base64 of the secret, computed outside Swift: printf %s '{"token":{"access_token":"a"}}' | base64
      let line =
        "add-generic-password -U -s databricks-cli -a dev -w "
        + "go-keyring-base64:eyJ0b2tlbiI6eyJhY2Nlc3NfdG9rZW4iOiJhIn19\n"
      let commands = try tool.store(secret, service: service, account: "dev")
      #expect(commands == [KeyringCommand(["/usr/bin/security", "-i"], input: Array(line.utf8))])
      #expect(!commands[0].arguments.contains { $0.contains("access_token") || $0.contains("eyJ0b2tlbi") })
    }

    /// `security -i` reads one command per line: a name with a line break would end the command there and run the
    /// rest as a command of its own, so it is refused before any command is built.
    @Test func refusesNamesThatWouldEndTheInteractiveCommand() {
      for account in ["a\nadd-generic-password -s x -a y -w z", "a\rb", "a\u{0}b"] {
        #expect(throws: KeyringError.self) { try tool.store(secret, service: service, account: account) }
        #expect(throws: KeyringError.self) { try tool.store(secret, service: account, account: "dev") }
      }
    }

    @Test func quotesTheServiceAndAccountForSecurity() throws {
      let commands = try tool.store("héllo", service: "my service", account: "it's")
      let line = #"add-generic-password -U -s 'my service' -a 'it'"'"'s' -w go-keyring-base64:aMOpbGxv"# + "\n"
      #expect(commands.map(\.input) == [Array(line.utf8)])
    }

    @Test(
      arguments: [
        ("dev", "dev"),
        ("", "''"),
        ("my profile", "'my profile'"),
        ("it's", #"'it'"'"'s'"#),
        ("a@b%c+d=e:f,g.h/i-j_k", "a@b%c+d=e:f,g.h/i-j_k"),
        ("ABCxyz0189", "ABCxyz0189"),
        ("é", "'é'"),
        ("$HOME", "'$HOME'"),
        ("a\"b", #"'a"b'"#),
        ("two\nlines", "'two\nlines'"),
        ("''", #"''"'"''"'"''"#),
      ]
    )
    func quotesAsGoShellescapeDoes(_ word: String, _ quoted: String) {
      #expect(SecurityTool.quote(word) == quoted)
    }

    @Test func refusesCommandsOverFourKilobytesAsGoKeyringDoes() throws {
      // 3000 bytes are 4000 base64 characters; the fixed parts of the line are 54 bytes plus the service's 14.
      let secret = String(repeating: "x", count: 3000)
      let fits = String(repeating: "a", count: 28)
      let line = try #require(try tool.store(secret, service: service, account: fits).first?.input)
      #expect(line.count == 4096)
      #expect(throws: KeyringError.failed(reason: "data passed to Set was too big")) {
        try tool.store(secret, service: service, account: fits + "a")
      }
      #expect(throws: KeyringError.failed(reason: SecurityTool.tooBigMessage)) {
        try tool.store(String(repeating: "x", count: 8000), service: service, account: "dev")
      }
    }

    @Test func decodesWhatGoKeyringStores() {
      // go-keyring's current format, its older hex format (upper case too, as Go's hex package reads it), and raw.
      #expect(SecurityTool.decode("go-keyring-base64:aMOpbGxv") == "héllo")
      #expect(SecurityTool.decode("go-keyring-base64:eyJ0b2tlbiI6eyJhY2Nlc3NfdG9rZW4iOiJhIn19") == secret)
      #expect(SecurityTool.decode("go-keyring-encoded:68c3a96c6c6f") == "héllo")
      #expect(SecurityTool.decode("go-keyring-encoded:68C3A96C6C6F") == "héllo")
      #expect(SecurityTool.decode("go-keyring-base64:") == "")
      #expect(SecurityTool.decode("go-keyring-encoded:") == "")
      #expect(SecurityTool.decode("plain secret") == "plain secret")
      #expect(SecurityTool.decode("") == "")
    }

    @Test func rejectsMalformedEncodedValues() {
      #expect(SecurityTool.decode("go-keyring-base64:not base64!") == nil)
      #expect(SecurityTool.decode("go-keyring-base64:aMOpbGx") == nil)
      #expect(SecurityTool.decode("go-keyring-encoded:6") == nil)
      #expect(SecurityTool.decode("go-keyring-encoded:zz") == nil)
      // Valid hex, but not UTF-8.
      #expect(SecurityTool.decode("go-keyring-encoded:ff") == nil)
    }

    @Test func rejectsSignedHexDigits() {
      // Go's hex.DecodeString refuses "+f" and "-0"; UInt8(_:radix:) accepts a leading sign.
      #expect(SecurityTool.decode("go-keyring-encoded:+f") == nil)
      #expect(SecurityTool.decode("go-keyring-encoded:-0") == nil)
    }

    @Test func readsTheLookedUpValueWithoutItsNewline() throws {
      #expect(try tool.lookupResult(output(0, stdout: "go-keyring-base64:aMOpbGxv\n")) == "héllo")
      #expect(try tool.lookupResult(output(0, stdout: "raw value\n")) == "raw value")
    }

    @Test func readsCouldNotBeFoundAsNotFound() throws {
      let missing = output(
        44,
        stderr: "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n"
      )
      #expect(try tool.lookupResult(missing) == nil)
      #expect(try tool.deleteResult(missing) == false)
      #expect(try tool.deleteResult(output(0)) == true)
      // go-keyring decides by the text, wherever it was printed, not by the status.
      #expect(try tool.lookupResult(output(1, stdout: "The specified item could not be found in the keychain.")) == nil)
    }

    @Test func reportsOtherFailuresWithWhatSecurityPrinted() throws {
      let denied = output(51, stderr: "security: SecKeychainItemCopyContent: User interaction is not allowed.\n")
      let expected = KeyringError.failed(
        reason: "security: SecKeychainItemCopyContent: User interaction is not allowed."
      )
      #expect(throws: expected) { try tool.lookupResult(denied) }
      #expect(throws: expected) { try tool.deleteResult(denied) }
      #expect(throws: expected) { try tool.storeResult(denied) }
      #expect(throws: KeyringError.failed(reason: "security exited with status 1")) { try tool.storeResult(output(1)) }
      #expect(try tool.storeResult(output(0)) == true)
    }
  }
}
