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

  /// For `--test-methods` only: checks that the profile has a usable credential, as serving it would, and hands the
  /// command fixed stand-in variables (an endpoint address on which nothing listens), so the runner can be tested
  /// end to end before brickauth serves a metadata-service endpoint.
  static func testEnvironment(services: Services) -> (String?) async throws -> [String: String] {
    { profile in
      let credential = try await services.credentials.credential(for: profile)
      return [
        "DATABRICKS_HOST": credential.host.url,
        "DATABRICKS_AUTH_TYPE": "metadata-service",
        "DATABRICKS_METADATA_SERVICE_URL": "http://127.0.0.1:9/brickauth-test-methods",
      ]
    }
  }
}
