import Basics
import Databricks
import JSONRPC
import Server

/// Why a subcommand stopped, as the one line it prints on stderr.
///
/// Built from the same secret-free messages the JSON-RPC errors carry (``JSONRPC/RPCError/init(_:)`` in `Server`
/// maps every domain error), except that a profile without a usable sign-in names the commands that sign it in.
struct CommandFailure: Error {
  var message: String

  /// The line for `error`, starting `brickauth: `, without a newline inside it.
  static func line(for error: any Error) -> String {
    let message: String
    switch error {
    case let failure as CommandFailure:
      message = failure.message
    case CredentialError.loginRequired(let profile, let reason):
      let login = profile.map { "databricks auth login --profile \($0)" } ?? "databricks auth login"
      message =
        "profile \(profile ?? "from the environment") needs a sign-in (\(reason)): run \(login), "
        + "or login over JSON-RPC"
    default:
      message = RPCError(error).message
    }
    // Redacted here as `RPCError.jsonValue` redacts what goes on the wire: stderr is output too.
    return "brickauth: " + SecretScrubber.redact(message).split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
