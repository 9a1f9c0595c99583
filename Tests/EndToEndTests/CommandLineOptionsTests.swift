import Testing

@testable import brickauth

/// The executable's argument grammar: options of brickauth itself anywhere before `--`, at most one subcommand, and
/// everything after `exec`'s `--` passed on untouched.
@Suite struct CommandLineOptionsTests {
  private func parse(_ arguments: String...) throws(CommandLineOptions.UsageError) -> CommandLineOptions {
    try CommandLineOptions.parse(arguments)
  }

  private func usageError(_ arguments: String...) -> String? {
    do {
      _ = try CommandLineOptions.parse(arguments)
      return nil
    } catch {
      return error.description
    }
  }

  @Test func noSubcommandIsTheServiceWithEveryFlag() throws {
    let options = try parse(
      "--sandbox",
      "--log-level",
      "debug",
      "--test-methods",
      "--mcp-allow-secrets",
      "--max-message-bytes",
      "10"
    )
    #expect(options.subcommand == nil)
    #expect(options.sandbox && options.testMethods && options.mcpAllowSecrets && options.maxMessageBytes == 10)
    #expect("\(options.logLevel)" == "debug")
    #expect(try parse("--version").showVersion)
    #expect(try parse("-h").showHelp)
  }

  @Test func tokenTakesItsOptionsAndGlobalOnesOnEitherSide() throws {
    #expect(try parse("token").subcommand == .token(.init()))
    let options = try parse("--sandbox", "token", "--profile", "admin", "--force-refresh", "--output", "text")
    #expect(options.sandbox)
    #expect(options.subcommand == .token(.init(profile: "admin", forceRefresh: true, output: .text)))
    #expect(try parse("token", "--sandbox", "--output", "json").sandbox)
    #expect(try parse("token", "--rejected-token-stdin").subcommand == .token(.init(rejectedTokenFromStdin: true)))
  }

  @Test func execPassesEverythingAfterTheSeparatorVerbatim() throws {
    let options = try parse("--sandbox", "exec", "--profile", "dev", "--", "ls", "--profile", "-l", "--", "--help")
    #expect(options.subcommand == .exec(.init(profile: "dev", command: ["ls", "--profile", "-l", "--", "--help"])))
    #expect(!options.showHelp)
    #expect(try parse("exec", "--", "true").subcommand == .exec(.init(command: ["true"])))
  }

  @Test func everyMistakeIsAUsageError() {
    #expect(usageError("frob") == "unknown subcommand frob (subcommands: token, exec)")
    #expect(usageError("--frob") == "unknown option --frob")
    #expect(usageError("token", "exec") == "unknown option exec for token")
    #expect(usageError("token", "--output", "xml") == "--output needs one of: json, text")
    #expect(usageError("token", "--output") == "--output needs one of: json, text")
    #expect(usageError("token", "--profile") == "--profile needs a profile name")
    #expect(usageError("token", "--profile", "--force-refresh") == "--profile needs a profile name")
    #expect(
      usageError("token", "--force-refresh", "--rejected-token-stdin")
        == "--rejected-token-stdin cannot be combined with --force-refresh"
    )
    #expect(
      usageError("exec", "ls", "-l") == "exec needs -- before the command: brickauth exec [--profile NAME] -- ls"
    )
    #expect(usageError("exec", "--frob", "--", "ls") == "unknown option --frob for exec")
    #expect(
      usageError("exec", "--profile", "dev")
        == "exec needs -- and then the command: brickauth exec [--profile NAME] -- COMMAND"
    )
    #expect(usageError("exec", "--") == "exec needs a command after --")
    #expect(usageError("--log-level", "loud")?.hasPrefix("--log-level needs one of") == true)
  }

  @Test func helpListsTheSubcommands() throws {
    #expect(CommandLineOptions.usage.contains("brickauth [options] token [--profile NAME]"))
    #expect(CommandLineOptions.usage.contains("brickauth [options] exec [--profile NAME] -- COMMAND [ARGS...]"))
    #expect(try parse("exec", "--help").showHelp)
  }
}
