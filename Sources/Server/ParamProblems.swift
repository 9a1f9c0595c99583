import Databricks
import JSONRPC

/// Collects every problem with a request's params before anything runs, so one `-32602` names them all
/// (`data.errors`) and no network call is made for a request that cannot succeed.
struct ParamProblems {
  private var problems: [(path: String, message: String)] = []

  /// Records `message` for the param at JSON Pointer `path` unless `condition` holds.
  mutating func require(_ condition: Bool, _ path: String, _ message: String) {
    if !condition { problems.append((path, message)) }
  }

  /// `profile`, when given, must be a name that the config file, the token cache and the keyring tools all hold
  /// exactly (``ProfileName/problem(_:)``): an empty one would silently mean the default profile, one with a NUL or a
  /// leading `-` would reach another profile's keyring entry or an option of the tool.
  mutating func requireProfileName(_ profile: String?) {
    if let problem = profile.flatMap(ProfileName.problem) { problems.append(("/profile", problem)) }
  }

  func check() throws(RPCError) {
    if !problems.isEmpty { throw .invalidParams(problems) }
  }
}
