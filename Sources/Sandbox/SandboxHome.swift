package import Foundation

/// A running ``DatabricksSandbox`` with a throwaway home whose config points at it: what `brickauth --sandbox`
/// serves, so a first run works with no account and never touches the user's real files.
///
/// Profiles: `admin` (the workspace admin's PAT, the default), `user` (an ordinary user's PAT), `needs-login`
/// (the same workspace with no credential: OAuth through `login`) and `sp` (the seeded service principal's OAuth
/// secret: machine-to-machine OAuth). The admin also has an "old laptop" token with a
/// fixed id (``oldLaptopTokenID``), so examples can revoke something they did not create first.
///
/// ```swift
/// let home = try SandboxHome()
/// let services = Services(environment: home.environment(replacing: ProcessInfo.processInfo.environment))
/// ...
/// await home.close()
/// ```
package final class SandboxHome: Sendable {
  package static let profiles = ["admin", "user", "needs-login", "sp"]
  package static let oldLaptopTokenID = "0f1d1a970f1d1a970f1d1a970f1d1a970f1d1a970f1d1a970f1d1a970f1d1a97"

  package let sandbox: DatabricksSandbox
  package let directory: URL
  package var configFile: URL { directory.appendingPathComponent(".databrickscfg") }

  /// Starts a sandbox on a free loopback port and writes the home under `parent`.
  package init(
    in parent: URL = FileManager.default.temporaryDirectory,
    configuration: SandboxConfiguration = SandboxConfiguration()
  ) throws {
    sandbox = try DatabricksSandbox(configuration: configuration)
    sandbox.workspace.addToken(
      id: Self.oldLaptopTokenID,
      comment: "old laptop",
      owner: SandboxSeed.admin,
      ageSeconds: 400 * 86_400
    )
    directory = parent.appendingPathComponent("brickauth-sandbox-\(UUID().uuidString.lowercased())", isDirectory: true)
    try FileManager.default.createDirectory(
      at: directory,
      withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o700]
    )
    let host = sandbox.baseURL.absoluteString
    let config = """
      ; A throwaway config for brickauth --sandbox: an emulated workspace on this machine.
      [admin]
      host = \(host)
      token = \(sandbox.adminToken)

      [user]
      host = \(host)
      token = \(sandbox.userToken)

      [needs-login]
      host = \(host)
      auth_type = databricks-cli

      [sp]
      host = \(host)
      client_id = \(SandboxSeed.servicePrincipal.applicationID ?? "")
      client_secret = \(SandboxSeed.servicePrincipalSecret)
      auth_type = oauth-m2m

      [__settings__]
      default_profile = admin
      ; OAuth tokens stay in this throwaway home, never in your OS keyring.
      auth_storage = plaintext

      """
    do {
      try Data(config.utf8).write(to: configFile)
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configFile.path)
    } catch {
      try? FileManager.default.removeItem(at: directory)
      throw error
    }
  }

  /// `environment` with this home in place of the user's: `HOME` and `DATABRICKS_CONFIG_FILE` set, and every other
  /// `DATABRICKS_*` variable removed so nothing of the user's setup leaks into the sandbox session.
  package func environment(replacing environment: [String: String]) -> [String: String] {
    var result = environment.filter { !$0.key.hasPrefix("DATABRICKS_") }
    result["HOME"] = directory.path
    result["DATABRICKS_CONFIG_FILE"] = configFile.path
    return result
  }

  /// Stops the sandbox and deletes the home.
  package func close() async {
    await sandbox.stop()
    try? FileManager.default.removeItem(at: directory)
  }
}
