/// What a run of `brickauth` does besides serving JSON-RPC: one job for a shell or another tool, then exit.
enum Subcommand: Equatable {
  /// `brickauth token`: print a profile's bearer token.
  case token(TokenOptions)
  /// `brickauth exec`: run a command that signs in through brickauth.
  case exec(ExecOptions)

  struct TokenOptions: Equatable {
    var profile: String?
    var forceRefresh = false
    /// Read the token Databricks refused from stdin (see ``Databricks/RejectedTokenDecision``).
    var rejectedTokenFromStdin = false
    var output = TokenOutput.json
  }

  /// How `token` prints the token.
  enum TokenOutput: String, CaseIterable {
    /// `databricks auth token`'s document (``Databricks/AuthTokenDocument``).
    case json
    /// The token and a newline, for `$(…)` in a shell.
    case text
  }

  struct ExecOptions: Equatable {
    var profile: String?
    /// The command and its arguments, exactly as given after `--`.
    var command: [String]
  }

  static let names = ["token", "exec"]
}
