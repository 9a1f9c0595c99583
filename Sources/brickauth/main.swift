import Basics
import Foundation
import JSONRPC
import Server

#if canImport(Glibc)
  import Glibc
#endif

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
#if canImport(Glibc)
  // glibc's malloc, tuned for a long-running service whose bursts (an audit of ten workspaces at once: megabyte list
  // bodies on URLSession's, Dispatch's and the cooperative pool's threads) must not leave it larger for good:
  // - allocations from 256 KiB up are always their own mapping, returned to the system when freed (by default the
  //   threshold grows to the largest block freed so far, so after one big body the next ones land in the heap,
  //   where they fragment it);
  // - at most two arenas (by default up to eight per core, each keeping what its threads freed). One arena measured
  //   20% slower on pipelined `listProfiles` (many threads allocating at once), two as fast as the default.
  // Measured with `brickauth-bench`: the audit's peak RSS went from about 95 MiB to 74 MiB.
  // `mallopt` is in `<malloc.h>`, which the Glibc module does not export: it is looked up in the C library.
  if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
    let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    _ = mallopt(-3, 256 * 1024)  // M_MMAP_THRESHOLD
    _ = mallopt(-8, 2)  // M_ARENA_MAX
  }
#endif
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
