import Basics
import JSONRPC

/// The executable's flags. Hand-parsed: there are few, and no third-party argument parser is allowed.
struct CommandLineOptions {
  var maxMessageBytes = 16 << 20
  var logLevel = StderrLog.Level.warning
  var testMethods = false
  var mcpAllowSecrets = false
  var sandbox = false
  var showHelp = false
  var showVersion = false

  static let usage = """
    usage: brickauth [options]

    Speaks line-delimited JSON-RPC 2.0 on stdin/stdout (or LSP Content-Length framing, detected from the first
    bytes). Logs go to stderr. Send {"jsonrpc":"2.0","id":1,"method":"rpc.discover"} for the method list.

    options:
      --max-message-bytes N   largest accepted input message (default 16777216)
      --log-level LEVEL       debug, info, warning (default) or error
      --sandbox               serve an emulated Databricks workspace on this machine and use a throwaway home
                              and config with ready profiles (admin, user, needs-login); your files are untouched
      --mcp-allow-secrets     return createToken's tokenValue in MCP tool results too (by default it is withheld
                              there, because tool results reach a model's context)
      --test-methods          also serve test/sleep and test/echo (for the test suite only)
      --version               print the version and exit
      -h, --help              print this help and exit
    """

  struct UsageError: Error, CustomStringConvertible {
    var description: String
  }

  static func parse(_ arguments: [String]) throws(UsageError) -> CommandLineOptions {
    var options = CommandLineOptions()
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
      switch argument {
      case "--max-message-bytes":
        guard let value = remaining.popFirst().flatMap(Int.init), value > 0 else {
          throw UsageError(description: "--max-message-bytes needs a positive number of bytes")
        }
        options.maxMessageBytes = value
      case "--log-level":
        let names = StderrLog.Level.allCases.map { "\($0)" }
        guard let value = remaining.popFirst(), let index = names.firstIndex(of: value) else {
          throw UsageError(description: "--log-level needs one of: \(names.joined(separator: ", "))")
        }
        options.logLevel = StderrLog.Level.allCases[index]
      case "--test-methods": options.testMethods = true
      case "--mcp-allow-secrets": options.mcpAllowSecrets = true
      case "--sandbox": options.sandbox = true
      case "--version": options.showVersion = true
      case "-h", "--help": options.showHelp = true
      default: throw UsageError(description: "unknown option \(argument)")
      }
    }
    return options
  }
}
