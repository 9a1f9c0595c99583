import Basics
import Databricks
import Server

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `brickauth token`: the profile's bearer token for a shell or a tool that runs a token helper, resolved and
/// refreshed exactly as the `getToken` method does (through ``Server/Services/credentials``), never opening a
/// browser.
///
/// With `--rejected-token-stdin` the token Databricks refused is read from stdin and handled as `getToken`'s
/// `rejectedToken`: replaced only while it is still the one held.
///
/// On success stdout holds the token (as `--output` says) and the status is 0; otherwise stdout stays empty, stderr
/// has one line naming what went wrong (never a secret), and the status is 1.
enum TokenCommand {
  static func run(_ token: Subcommand.TokenOptions, services: Services) async -> Int32 {
    let output: [UInt8]
    do {
      let rejected = try token.rejectedTokenFromStdin ? Self.rejectedToken() : nil
      let credential = try await services.credentials.credential(
        for: token.profile,
        forceRefresh: token.forceRefresh,
        rejectedToken: rejected
      )
      switch token.output {
      case .json: output = AuthTokenDocument.bytes(accessToken: credential.bearer, expiry: credential.expiresAt)
      case .text: output = Array((credential.bearer + "\n").utf8)
      }
    } catch {
      StderrLog.emit(CommandFailure.line(for: error))
      return 1
    }
    if let code = FileDescriptorIO.writeAll(STDOUT_FILENO, output) {
      StderrLog.emit("brickauth: cannot write the token to stdout: \(String(cString: strerror(code)))")
      return 1
    }
    return 0
  }

  private static func rejectedToken() throws(CommandFailure) -> String {
    switch RejectedTokenInput.read() {
    case .success(let token): return token
    case .failure(let problem):
      throw CommandFailure(message: "--rejected-token-stdin needs the refused token on stdin: \(problem.reason)")
    }
  }
}
