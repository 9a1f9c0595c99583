import Basics
import Databricks
import Foundation
import Sandbox
import Server

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The environment one run of brickauth works in: the process's own, or with `--sandbox` that of a throwaway home
/// and config served by an emulated workspace on this machine (the user's files stay untouched).
struct WorkingEnvironment {
  var variables: [String: String]
  /// Set with `--sandbox`; its home is removed by ``removeSandboxHome()``.
  var sandbox: SandboxHome?

  /// - Throws: when the sandbox cannot be started (its error names no secret).
  init(sandbox useSandbox: Bool) throws {
    variables = ProcessInfo.processInfo.environment
    guard useSandbox else { return }
    let session = try SandboxHome()
    variables = session.environment(replacing: variables)
    sandbox = session
  }

  /// Prepares the process for its work and makes its environment, or says on stderr why it cannot (and is `nil`).
  static func start(_ options: CommandLineOptions) -> WorkingEnvironment? {
    // Before any thread starts: it changes the environment for a moment.
    URLSessionStorage.keepOutOfHome()
    // A write to a closed pipe must fail with EPIPE (and end the session), not kill the process; a command that
    // exec runs gets the default back.
    signal(SIGPIPE, SIG_IGN)
    do {
      return try WorkingEnvironment(sandbox: options.sandbox)
    } catch {
      StderrLog.emit("brickauth: cannot start the sandbox: \(type(of: error))")
      return nil
    }
  }

  /// Where the sandbox is, on stderr: the service always says it; a subcommand, whose stderr is for its one error
  /// line, says it at `info`.
  func announceSandbox(always: Bool) {
    guard let session = sandbox, always || StderrLog.threshold <= .info else { return }
    StderrLog.emit(
      """
      brickauth: sandbox workspace at \(session.sandbox.baseURL.absoluteString) (emulated, on this machine)
      brickauth: sandbox home \(session.directory.path), config \(session.configFile.path)
      brickauth: sandbox profiles: admin (workspace admin, the default), user (not an admin), needs-login (OAuth), sp (service principal)
      """
    )
  }

  /// The process's shared state over these variables, as `options` ask for it.
  func services(_ options: CommandLineOptions) -> Services {
    Services(
      environment: variables,
      testMethods: options.testMethods,
      mcpAllowSecrets: options.mcpAllowSecrets,
      // In the sandbox nobody is at a browser: follow the authorization URL; the sandbox consents by itself.
      browser: sandbox == nil ? .system : .followRedirects
    )
  }

  /// The sandbox's home is throwaway; its threads end with the process.
  func removeSandboxHome() {
    if let directory = sandbox?.directory { try? FileManager.default.removeItem(at: directory) }
  }
}
