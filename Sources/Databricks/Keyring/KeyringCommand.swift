/// One run of a keyring tool: its command line and what to write to its stdin.
///
/// A value, so the exact command lines (above all: that no secret is ever on them, where `ps` shows it to every
/// user) are tested without running anything.
package struct KeyringCommand: Sendable, Equatable {
  package var arguments: [String]
  package var input: [UInt8]

  package init(_ arguments: [String], input: [UInt8] = []) {
    self.arguments = arguments
    self.input = input
  }
}

/// How a keyring tool is driven: the commands for each operation and how to read what they printed. Pure, so both
/// platforms' tools are tested on any platform.
package protocol KeyringTool: Sendable {
  func lookup(service: String, account: String) -> KeyringCommand
  /// The secret, `nil` for "not found", or the error the tool reported.
  func lookupResult(_ output: BoundedProcess.Output) throws(KeyringError) -> String?

  /// The commands to try in order: the next runs only when ``storeResult(_:)`` answers `false`.
  func store(_ secret: String, service: String, account: String) throws(KeyringError) -> [KeyringCommand]
  /// `true` when stored, `false` to try the next command.
  func storeResult(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool

  func delete(service: String, account: String) -> KeyringCommand
  /// `true` when something was deleted, `false` when there was nothing.
  func deleteResult(_ output: BoundedProcess.Output) throws(KeyringError) -> Bool

  /// Why the keyring cannot be reached at all in `environment`, decided without running anything; `nil` when it
  /// may be. Saves spawning a tool that is bound to fail (a headless server has no D-Bus session).
  func unavailability(environment: [String: String]) -> String?
}
