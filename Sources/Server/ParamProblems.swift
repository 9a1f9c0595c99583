import JSONRPC

/// Collects every problem with a request's params before anything runs, so one `-32602` names them all
/// (`data.errors`) and no network call is made for a request that cannot succeed.
struct ParamProblems {
  private var problems: [(path: String, message: String)] = []

  /// Records `message` for the param at JSON Pointer `path` unless `condition` holds.
  mutating func require(_ condition: Bool, _ path: String, _ message: String) {
    if !condition { problems.append((path, message)) }
  }

  /// `profile`, when given, must name something: an empty name would silently mean the default profile.
  mutating func requireProfileName(_ profile: String?) {
    require(profile.map { !$0.isEmpty } ?? true, "/profile", "must not be empty")
  }

  func check() throws(RPCError) {
    if !problems.isEmpty { throw .invalidParams(problems) }
  }
}
