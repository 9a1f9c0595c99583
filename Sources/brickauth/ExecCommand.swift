import Basics
import Databricks
import Server

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `brickauth exec`: runs a command whose Databricks SDKs sign in through brickauth (``Databricks/ForegroundProcess``
/// runs it), and exits as the command did.
///
/// The variables to add come from `serve`, which makes brickauth's metadata-service endpoint available for the
/// profile; a profile that cannot be served (it needs a sign-in) fails before the command starts. No token is put in
/// the command's environment or arguments: the SDKs fetch it from the endpoint.
enum ExecCommand {
  /// - Returns: the command's status (128 + N when signal N ended it); 1 when the profile could not be served, 127
  ///   when there is no such command and 126 when it cannot be run, as a shell reports them.
  static func run(
    _ exec: Subcommand.ExecOptions,
    environment: [String: String],
    serve: (String?) async throws -> [String: String]
  ) async -> Int32 {
    let added: [String: String]
    do {
      added = try await serve(exec.profile)
    } catch {
      StderrLog.emit(CommandFailure.line(for: error))
      return 1
    }
    switch ForegroundProcess.run(exec.command, environment: environment, adding: added) {
    case .success(let status):
      return status
    case .failure(let failure):
      StderrLog.emit("brickauth: cannot run \(failure.executable): \(failure.reason)")
      return failure.code == ENOENT ? 127 : 126
    }
  }

  /// Serves `profile` on this process's metadata-service endpoint and answers the variables that point the command
  /// at it. The credential is resolved first, so a profile that needs a sign-in fails before the command starts
  /// (serving alone would start, and every request would then be refused).
  static func served(by services: Services) -> (String?) async throws -> [String: String] {
    { profile in
      _ = try await services.credentials.credential(for: profile)
      return try await services.metadataService.serve(profile: profile).env
    }
  }
}
