import Basics
import Databricks
import Dispatch
import Foundation
import JSONRPC
import Sandbox
import Server

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Wires the service to the process: stdout protection, reader and writer threads, signals, exit code.
///
/// Deliberately not main-actor code: the signal handlers and I/O threads run outside any actor, and blocking the
/// main thread in ``run(_:)`` is fine because requests run on the cooperative pool, not on it.
enum ServiceProcess {
  static func run(_ options: CommandLineOptions) -> Int32 {
    // Before any thread starts: it changes the environment for a moment.
    URLSessionStorage.keepOutOfHome()
    // A write to a closed pipe must fail with EPIPE (and end the session), not kill the process.
    signal(SIGPIPE, SIG_IGN)
    // Protocol output goes to a private copy of stdout; fd 1 becomes stderr, so a stray print() can never
    // corrupt the stream.
    let protocolOutput = dup(STDOUT_FILENO)
    dup2(STDERR_FILENO, STDOUT_FILENO)

    var environment = ProcessInfo.processInfo.environment
    var sandbox: SandboxHome?
    if options.sandbox {
      do {
        let session = try SandboxHome()
        environment = session.environment(replacing: environment)
        sandbox = session
        StderrLog.emit(
          """
          brickauth: sandbox workspace at \(session.sandbox.baseURL.absoluteString) (emulated, on this machine)
          brickauth: sandbox home \(session.directory.path), config \(session.configFile.path)
          brickauth: sandbox profiles: admin (workspace admin, the default), user (not an admin), needs-login (OAuth)
          """
        )
      } catch {
        StderrLog.emit("brickauth: cannot start the sandbox: \(type(of: error))")
        return 1
      }
    }
    // The home is throwaway; the sandbox's threads end with the process.
    defer { if let directory = sandbox?.directory { try? FileManager.default.removeItem(at: directory) } }
    let services = Services(
      environment: environment,
      testMethods: options.testMethods,
      mcpAllowSecrets: options.mcpAllowSecrets,
      // In the sandbox nobody is at a browser: follow the authorization URL; the sandbox consents by itself.
      browser: options.sandbox ? .followRedirects : .system
    )
    let connectionBox = Locked<Connection?>(nil)
    let writer = StdioWriter(fd: protocolOutput) { _ in
      connectionBox.withLock { $0 }?.outputFailed()
    }
    let connection = Connection(handlers: MethodTable.handlers(services: services), writer: writer)
    connectionBox.withLock { $0 = connection }

    var signalSources: [any DispatchSourceSignal] = []
    // SIGHUP too (the terminal went away): every one of them ends the session the same way, through the cleanup
    // below, which removes the sandbox's throwaway home.
    for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler { connection.terminate(signal: signalNumber) }
      source.resume()
      signalSources.append(source)
    }

    writer.start()
    StdioReader(
      fd: STDIN_FILENO,
      connection: connection,
      maxMessageBytes: options.maxMessageBytes,
      beforeMessage: { writer.waitForBacklog(below: 1 << 20) },
      onFramingDetected: { writer.setFraming($0) }
    ).start()

    let exitCode = connection.waitForExit()
    writer.flush()
    withExtendedLifetime(signalSources) {}
    return exitCode
  }
}
