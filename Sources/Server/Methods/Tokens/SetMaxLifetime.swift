import Databricks

/// Sets the maximum lifetime of new tokens in days (0 removes the limit); admins only. Existing tokens keep theirs.
enum SetMaxLifetime: RPCMethod {
  static let name = "setMaxLifetime"
  /// A hundred years: anything longer is surely a unit mistake (seconds for days).
  static let maximumDays = 36_500

  struct Params: Decodable, Sendable {
    var profile: String?
    var days: Int
  }

  struct Result: Encodable, Sendable {
    var maxTokenLifetimeDays: Int
    var previous: Int
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.require(
      (0...maximumDays).contains(params.days),
      "/days",
      "must be a whole number of days from 0 (no limit) to \(maximumDays)"
    )
    problems.requireProfileName(params.profile)
    try problems.check()
    let api = try await call.services.credentials.workspace(for: params.profile)
    let previous = try await api.setMaxTokenLifetime(days: params.days)
    return Result(maxTokenLifetimeDays: params.days, previous: previous.maxLifetimeDays)
  }
}
