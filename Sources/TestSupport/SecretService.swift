import Basics
package import Databricks
package import Foundation
import JSONRPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A private Secret Service for one test: a D-Bus session bus of its own and a GNOME Keyring daemon on it, with
/// throwaway `HOME`, `XDG_DATA_HOME` and `XDG_RUNTIME_DIR`, its `login` collection unlocked with a known password.
/// Nothing reaches the developer's own keyring: the bus has no service activation, so nothing else can start on it.
///
/// `withKeyring: false` gives a bus with no Secret Service on it, the state of a desktop-less machine that has
/// D-Bus but no keyring daemon.
///
/// ```swift
/// try await SecretService.with { service in
///   let keyring = service.keyring
///   try await service.store("{...}", account: "dev")
/// }
/// ```
package final class SecretService: Sendable {
  /// What a client needs to reach this Secret Service (the bus address, and `PATH`): merge it into the
  /// environment under test.
  package let environment: [String: String]
  /// The daemons' own: throwaway `HOME` and XDG folders, so GNOME Keyring never opens the developer's keyrings.
  private let daemonEnvironment: [String: String]
  package let directory: URL
  private let processes: Locked<[ChildProcess]>

  /// The programs it needs, found on `PATH`.
  package static let toolsInstalled = ["dbus-daemon", "gnome-keyring-daemon", "secret-tool"].allSatisfy { tool in
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains { directory in
      FileManager.default.isExecutableFile(atPath: "\(directory)/\(tool)")
    }
  }

  /// Whether keyring tests run here: where the tools are installed, and always when `BRICKAUTH_REQUIRE_KEYRING=1`
  /// (CI sets it, so a missing package fails the run instead of skipping the tests).
  package static let canRun = toolsInstalled || ProcessInfo.processInfo.environment["BRICKAUTH_REQUIRE_KEYRING"] == "1"

  /// Runs `body` with a fresh Secret Service and stops it afterwards.
  package static func with<T>(
    withKeyring: Bool = true,
    _ body: (SecretService) async throws -> T
  ) async throws -> T {
    let service = try await SecretService(withKeyring: withKeyring)
    defer { service.stop() }
    return try await body(service)
  }

  private init(withKeyring: Bool) async throws {
    guard Self.toolsInstalled else {
      throw SecretServiceError("dbus-daemon, gnome-keyring-daemon and secret-tool must be installed (.ci/run does)")
    }
    directory = try ScratchDirectory.make(prefix: "keyring")
    let socket = directory.appendingPathComponent("bus").path
    for name in ["data", "run", "home"] {
      try FileManager.default.createDirectory(
        at: directory.appendingPathComponent(name),
        withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700]
      )
    }
    let config = directory.appendingPathComponent("bus.conf")
    try Data(Self.busConfig(socket: socket).utf8).write(to: config)
    environment = [
      "DBUS_SESSION_BUS_ADDRESS": "unix:path=\(socket)",
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
    ]
    daemonEnvironment = environment.merging([
      "XDG_DATA_HOME": directory.appendingPathComponent("data").path,
      "XDG_RUNTIME_DIR": directory.appendingPathComponent("run").path,
      "HOME": directory.appendingPathComponent("home").path,
    ]) { _, daemon in daemon }
    processes = Locked([])
    let bus = try launch("dbus-daemon", ["--config-file=\(config.path)", "--nofork"])
    // The socket file exists a moment before the bus accepts connections: wait until it answers a call.
    try await waitUntil("the bus to answer") {
      guard bus.exitStatus == nil, FileManager.default.fileExists(atPath: socket) else { return false }
      return try await BoundedProcess.run(
        [
          "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
          "org.freedesktop.DBus.ListNames",
        ],
        environment: self.environment,
        timeoutSeconds: 2
      ).status == 0
    }
    guard withKeyring else { return }
    // A daemon that gives up early (it could not register on the bus in time) is started again, twice at most.
    var daemon = try launch("gnome-keyring-daemon", Self.daemonArguments, input: "pw")
    var starts = 1
    try await waitUntil("the Secret Service to answer") {
      if daemon.exitStatus != nil {
        guard starts < 3 else { return false }
        starts += 1
        daemon = try self.launch("gnome-keyring-daemon", Self.daemonArguments, input: "pw")
      }
      let probe = try? await self.run(["lookup", "service", "brickauth-tests", "username", "ready"])
      return probe?.status == 1 && probe?.stderr.isEmpty == true
    }
  }

  private static let daemonArguments = ["--foreground", "--unlock", "--components=secrets"]

  /// The keyring as brickauth reaches it in this environment.
  package func keyring(timeoutSeconds: Double = 3) -> any Keyring {
    CommandLineKeyring(tool: SecretTool(), environment: environment, timeoutSeconds: timeoutSeconds)
  }

  /// Stores a secret the way another program would (the CLI through go-keyring lands in the same place), with
  /// go-keyring's attributes and label in the `login` collection.
  package func store(_ secret: String, service: String = KeyringTokenEntry.service, account: String) async throws {
    let output = try await run(
      [
        "store", "--label=\(SecretTool.label(service: service, account: account))",
        "--collection=\(SecretTool.loginCollection)", "service", service, "username", account,
      ],
      input: Array(secret.utf8)
    )
    guard output.status == 0 else { throw SecretServiceError("secret-tool store: \(output.errorText)") }
  }

  /// The secret stored for `account`, read with `secret-tool` as another program would; `nil` when there is none.
  package func secret(service: String = KeyringTokenEntry.service, account: String) async throws -> String? {
    let output = try await run(["lookup", "service", service, "username", account])
    if output.status == 1 && output.stderr.isEmpty { return nil }
    guard output.status == 0 else { throw SecretServiceError("secret-tool lookup: \(output.errorText)") }
    return String(decoding: output.stdout, as: UTF8.self)
  }

  /// Every item of the service `service` with its label and attributes, as `secret-tool search --all` prints them
  /// (one `key = value` line each, secrets included).
  package func items(service: String = KeyringTokenEntry.service) async throws -> String {
    let output = try await run(["search", "--all", "service", service])
    return String(decoding: output.stdout + output.stderr, as: UTF8.self)
  }

  /// The object paths of the items in the `login` collection (go-keyring writes and reads only there).
  package func loginCollectionItems() async throws -> [String] {
    let output = try await BoundedProcess.run(
      [
        "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets", SecretTool.loginCollection,
        "org.freedesktop.DBus.Properties.Get", "string:org.freedesktop.Secret.Collection", "string:Items",
      ],
      environment: environment,
      timeoutSeconds: 5
    )
    guard output.status == 0 else { throw SecretServiceError("dbus-send: \(output.errorText)") }
    return String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").compactMap { line in
      guard let start = line.range(of: "object path \"") else { return nil }
      return String(line[start.upperBound...].dropLast())
    }
  }

  private func run(_ arguments: [String], input: [UInt8] = []) async throws -> BoundedProcess.Output {
    try await BoundedProcess.run(["secret-tool"] + arguments, input: input, environment: environment, timeoutSeconds: 5)
  }

  /// Starts a daemon with the daemons' environment; `input` is written to its stdin, which is then closed.
  private func launch(_ executable: String, _ arguments: [String], input: String? = nil) throws -> ChildProcess {
    let process = try ChildProcess([executable] + arguments, environment: daemonEnvironment)
    processes.withLock { $0.append(process) }
    if let input {
      process.write(Array(input.utf8))
      process.closeStdin()
    }
    return process
  }

  private func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    // A bound against hanging, not a measure: a daemon on a loaded machine can take many seconds to answer.
    let deadline = Date(timeIntervalSinceNow: 30)
    while Date() < deadline {
      if try await condition() { return }
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    let log = processes.withLock { $0.map { String(decoding: $0.stderr, as: UTF8.self) }.joined() }
    stop()
    throw SecretServiceError("timed out waiting for \(what); gnome-keyring said: \(log.suffix(500))")
  }

  /// Stops the daemons (the keyring first, then its bus) and deletes the directory.
  package func stop() {
    let running = processes.withLock { processes in
      defer { processes = [] }
      return processes
    }
    // They keep nothing worth a clean exit.
    for process in running.reversed() { process.kill() }
    try? FileManager.default.removeItem(at: directory)
  }

  /// A session bus that listens on `socket`, lets every client talk to every other, and starts nothing by itself.
  private static func busConfig(socket: String) -> String {
    """
    <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
     "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
    <busconfig>
      <type>session</type>
      <listen>unix:path=\(socket)</listen>
      <policy context="default">
        <allow send_destination="*" eavesdrop="true"/>
        <allow eavesdrop="true"/>
        <allow own="*"/>
      </policy>
    </busconfig>
    """
  }
}

package struct SecretServiceError: Error, CustomStringConvertible {
  package var description: String

  init(_ description: String) {
    self.description = description
  }
}
