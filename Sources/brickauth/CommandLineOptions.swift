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
  /// `nil`: serve JSON-RPC on stdio.
  var subcommand: Subcommand?

  static let usage = """
    usage: brickauth [options]
           brickauth [options] token [--profile NAME] [--force-refresh | --rejected-token-stdin] [--output json|text]
           brickauth [options] exec [--profile NAME] -- COMMAND [ARGS...]

    Speaks line-delimited JSON-RPC 2.0 on stdin/stdout (or LSP Content-Length framing, detected from the first
    bytes). Logs go to stderr. Send {"jsonrpc":"2.0","id":1,"method":"rpc.discover"} for the method list.

    subcommands:
      token                   print the profile's bearer token (refreshed when it is about to expire; never opens a
                              browser) and exit: json (default) as `databricks auth token` prints it, or text (the
                              token and a newline)
        --profile NAME        the profile (default: as the Databricks CLI chooses it)
        --force-refresh       refresh an OAuth token even when it is not about to expire
        --rejected-token-stdin
                              read the token Databricks refused from stdin (one line): replaced only while it is
                              still the one held, otherwise the newer token is printed without any request
        --output FORMAT       json or text
      exec                    run COMMAND (a path, or a name looked up on PATH; never through a shell) with this
                              environment plus what makes a Databricks SDK sign in through brickauth, minus every
                              other credential; exits with the command's status (128+N when signal N ended it)
        --profile NAME        the profile (default: as the Databricks CLI chooses it)
        -- COMMAND [ARGS...]  the command; everything after -- is passed as it is

    options:
      --max-message-bytes N   largest accepted input message (default 16777216)
      --log-level LEVEL       debug, info, warning (default) or error
      --sandbox               serve an emulated Databricks workspace on this machine and use a throwaway home
                              and config with ready profiles (admin, user, needs-login, sp); your files are untouched
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
      if try options.parseGlobalOption(argument, &remaining) { continue }
      switch options.subcommand {
      case nil:
        switch argument {
        case "token": options.subcommand = .token(Subcommand.TokenOptions())
        case "exec": options.subcommand = .exec(Subcommand.ExecOptions(command: []))
        case _ where argument.hasPrefix("-"): throw UsageError(description: "unknown option \(argument)")
        default:
          throw UsageError(
            description: "unknown subcommand \(argument) (subcommands: \(Subcommand.names.joined(separator: ", ")))"
          )
        }
      case .token(var token):
        try token.parseOption(argument, &remaining)
        options.subcommand = .token(token)
      case .exec(var exec):
        if try exec.parseOption(argument, &remaining) {
          guard !remaining.isEmpty else { throw UsageError(description: "exec needs a command after --") }
          exec.command = Array(remaining)
          remaining = []
        }
        options.subcommand = .exec(exec)
      }
    }
    if case .token(let token) = options.subcommand, token.forceRefresh, token.rejectedTokenFromStdin {
      throw UsageError(description: "--rejected-token-stdin cannot be combined with --force-refresh")
    }
    if case .exec(let exec) = options.subcommand, exec.command.isEmpty, !options.showHelp {
      throw UsageError(description: "exec needs -- and then the command: brickauth exec [--profile NAME] -- COMMAND")
    }
    return options
  }

  /// Handles `argument` when it is an option of brickauth itself (allowed before and after a subcommand's name).
  private mutating func parseGlobalOption(
    _ argument: String,
    _ remaining: inout ArraySlice<String>
  ) throws(UsageError) -> Bool {
    switch argument {
    case "--max-message-bytes":
      guard let value = remaining.popFirst().flatMap(Int.init), value > 0 else {
        throw UsageError(description: "--max-message-bytes needs a positive number of bytes")
      }
      maxMessageBytes = value
    case "--log-level":
      let names = StderrLog.Level.allCases.map { "\($0)" }
      guard let value = remaining.popFirst(), let index = names.firstIndex(of: value) else {
        throw UsageError(description: "--log-level needs one of: \(names.joined(separator: ", "))")
      }
      logLevel = StderrLog.Level.allCases[index]
    case "--test-methods": testMethods = true
    case "--mcp-allow-secrets": mcpAllowSecrets = true
    case "--sandbox": sandbox = true
    case "--version": showVersion = true
    case "-h", "--help": showHelp = true
    default: return false
    }
    return true
  }
}

extension Subcommand.TokenOptions {
  fileprivate mutating func parseOption(
    _ argument: String,
    _ remaining: inout ArraySlice<String>
  ) throws(CommandLineOptions.UsageError) {
    switch argument {
    case "--profile": profile = try CommandLineOptions.profileName(&remaining)
    case "--force-refresh": forceRefresh = true
    case "--rejected-token-stdin": rejectedTokenFromStdin = true
    case "--output":
      let names = Subcommand.TokenOutput.allCases.map(\.rawValue)
      guard let value = remaining.popFirst().flatMap(Subcommand.TokenOutput.init(rawValue:)) else {
        throw .init(description: "--output needs one of: \(names.joined(separator: ", "))")
      }
      output = value
    default: throw .init(description: "unknown option \(argument) for token")
    }
  }
}

extension Subcommand.ExecOptions {
  /// - Returns: whether `argument` is `--`, after which everything is the command.
  fileprivate mutating func parseOption(
    _ argument: String,
    _ remaining: inout ArraySlice<String>
  ) throws(CommandLineOptions.UsageError) -> Bool {
    switch argument {
    case "--profile": profile = try CommandLineOptions.profileName(&remaining)
    case "--": return true
    case _ where argument.hasPrefix("-"): throw .init(description: "unknown option \(argument) for exec")
    default:
      throw .init(description: "exec needs -- before the command: brickauth exec [--profile NAME] -- \(argument)")
    }
    return false
  }
}

extension CommandLineOptions {
  fileprivate static func profileName(_ remaining: inout ArraySlice<String>) throws(UsageError) -> String {
    guard let name = remaining.popFirst(), !name.isEmpty, !name.hasPrefix("-") else {
      throw UsageError(description: "--profile needs a profile name")
    }
    return name
  }
}
