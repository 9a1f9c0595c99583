import Basics
import Foundation
import JSONRPC
import Server

// brickauth: a Databricks credential service speaking line-delimited JSON-RPC 2.0 on stdin/stdout, and the
// `token` and `exec` subcommands for shells and other tools.

let options: CommandLineOptions
do {
  options = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
  StderrLog.emit("brickauth: \(error)\n\n\(CommandLineOptions.usage)")
  exit(2)
}
if options.showHelp {
  print(CommandLineOptions.usage)
  exit(0)
}
if options.showVersion {
  // "brickauth 0.1.0 (commit abc1234)" from a git checkout, "brickauth 0.1.0" from a source tarball.
  print("brickauth \(BrickauthVersion.current)" + (BuildCommit.shortHash.map { " (commit \($0))" } ?? ""))
  exit(0)
}
StderrLog.threshold = options.logLevel
guard let subcommand = options.subcommand else { exit(ServiceProcess.run(options)) }

guard let working = WorkingEnvironment.start(options) else { exit(1) }
working.announceSandbox(always: false)
let services = working.services(options)
let status: Int32
switch subcommand {
case .token(let token):
  status = await TokenCommand.run(token, services: services)
case .exec(let exec):
  status = await ExecCommand.run(
    exec,
    // The command runs in the user's own environment, even with --sandbox (whose throwaway home is brickauth's).
    environment: ProcessInfo.processInfo.environment,
    serve: ExecCommand.served(by: services)
  )
}
working.removeSandboxHome()
exit(status)
