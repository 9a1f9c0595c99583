import Basics
import Foundation
import JSONRPC
import Server

// brickauth: a Databricks credential service speaking line-delimited JSON-RPC 2.0 on stdin/stdout.

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
exit(ServiceProcess.run(options))
