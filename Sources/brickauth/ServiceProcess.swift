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
    guard let working = WorkingEnvironment.start(options) else { return 1 }
    // Protocol output goes to a private copy of stdout; fd 1 becomes stderr, so a stray print() can never
    // corrupt the stream.
    let protocolOutput = dup(STDOUT_FILENO)
    dup2(STDERR_FILENO, STDOUT_FILENO)

    working.announceSandbox(always: true)
    // The home is throwaway; the sandbox's threads end with the process.
    defer { working.removeSandboxHome() }
    let services = working.services(options)
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
