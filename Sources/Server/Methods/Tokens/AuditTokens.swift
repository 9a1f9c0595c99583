import Basics
import Databricks
import Foundation
import JSON
import JSONRPC

/// Audits the personal access tokens of one or many workspaces (one per profile) at once: tokens that never
/// expire, live longer than a maximum, expire soon or have, sit idle or were never used, and who is close to the
/// per-user limit.
///
/// Each workspace is listed as `listTokens` lists it and evaluated a page at a time, keeping only findings and
/// counters, concurrently with the others; progress comes per page and per workspace. A workspace that fails is an
/// entry with the error its own call would have given, and the others still complete. A cancel answers with the
/// workspaces finished so far in `data.partial`.
enum AuditTokens: RPCMethod {
  static let name = "auditTokens"
  static let maximumProfiles = 100
  static let dayRange = 1...3650
  /// Owners listed per workspace in `topUsers`.
  static let topUserCount = 10

  struct Params: Decodable, Sendable {
    var profiles: [String]?
    var profile: String?
    var scope: TokenScope?
    var idleDays: Int?
    var maxLifetimeDays: Int?
    var expiringWithinDays: Int?
  }

  struct Result: Encodable, Sendable {
    var asOf: String
    var scope: String
    var rules: Rules
    /// ``Workspace`` entries, each encoded once as it finishes: `data.partial` and the result share them, so a
    /// fleet's findings are never encoded again for every workspace that ends after them.
    var workspaces: [JSONValue]
  }

  struct Rules: Encodable, Sendable {
    var idleDays: Int
    var maxLifetimeDays: Int
    var expiringWithinDays: Int
  }

  /// One workspace: its audit, or (`error`) why it could not be audited.
  struct Workspace: Encodable, Sendable {
    /// The profile's name; for the default profile, the name it resolved to (or `null` when it did not).
    @ExplicitNull var profile: String?
    var host: String?
    var error: JSONValue?
    var tokensScanned: Int?
    var pages: Int?
    var policy: GetTokenSettings.Result?
    var reasonsChecked: [String]?
    var reasonCounts: [String: Int]?
    /// Each a token as `listTokens` reports it, plus why it was flagged (see ``finding(_:)``).
    var findings: [JSONValue]?
    var topUsers: [TopUser]?
  }

  struct TopUser: Encodable, Sendable {
    var ownerId: String
    var userName: String?
    var tokenCount: Int
    var tokenLimit: Int
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    for (name, value) in [
      ("idleDays", params.idleDays), ("maxLifetimeDays", params.maxLifetimeDays),
      ("expiringWithinDays", params.expiringWithinDays),
    ] {
      problems.require(
        value.map(dayRange.contains) ?? true,
        "/\(name)",
        "must be a whole number of days from 1 to 3650"
      )
    }
    problems.require(params.profile == nil || params.profiles == nil, "/profiles", "give profile or profiles, not both")
    if let profiles = params.profiles {
      problems.require(!profiles.isEmpty, "/profiles", "must not be empty")
      problems.require(profiles.count <= maximumProfiles, "/profiles", "at most \(maximumProfiles) profiles at once")
      for (index, name) in profiles.enumerated().prefix(maximumProfiles) {
        problems.require(ProfileName.problem(name) == nil, "/profiles/\(index)", ProfileName.problem(name) ?? "")
      }
    }
    problems.requireProfileName(params.profile)
    try problems.check()

    let scope = params.scope ?? .own
    let rules = TokenAuditRules(
      idleDays: params.idleDays ?? 60,
      maxLifetimeDays: params.maxLifetimeDays ?? 90,
      expiringWithinDays: params.expiringWithinDays ?? 7,
      now: call.services.now()
    )
    // Each workspace once, in the order first given.
    var seen = Set<String>()
    let profiles: [String?] = params.profiles.map { $0.filter { seen.insert($0).inserted } } ?? [params.profile]
    var result = Result(
      asOf: RFC3339.utcString(rules.now),
      scope: scope.rawValue,
      rules: Rules(
        idleDays: rules.idleDays,
        maxLifetimeDays: rules.maxLifetimeDays,
        expiringWithinDays: rules.expiringWithinDays
      ),
      workspaces: []
    )
    call.request.recordPartial(try JSONValueEncoder().encode(result))
    let progress = Locked(0)
    let request = call.request
    let total = profiles.count
    var finished: [Int: JSONValue] = [:]
    try await FleetTokenAudit(
      credentials: call.services.credentials,
      rules: rules,
      allUsers: scope == .workspace
    ).run(profiles: profiles) { _, profile, audit in
      let step = progress.withLock { step in
        step += 1
        return step
      }
      request.reportProgress(
        Double(step),
        message: "\(profile): page \(audit.pages), \(audit.tokensScanned) tokens, \(audit.findings.count) findings",
        extras: [
          "profile": .string(profile), "pages": .int(Int64(audit.pages)),
          "tokensScanned": .int(Int64(audit.tokensScanned)),
        ]
      )
    } finished: { index, outcome in
      let entry = workspace(outcome)
      finished[index] = try JSONValueEncoder().encode(entry)
      result.workspaces = finished.keys.sorted().compactMap { finished[$0] }
      request.recordPartial(try JSONValueEncoder().encode(result))
      let step = progress.withLock { step in
        step += 1
        return step
      }
      let name = outcome.profile ?? outcome.requested ?? "default profile"
      request.reportProgress(
        Double(step),
        message: "\(name): \(entry.error == nil ? "done" : "failed") (\(finished.count) of \(total) workspaces)",
        extras: [
          "profile": .string(name), "workspacesFinished": .int(Int64(finished.count)),
          "workspaces": .int(Int64(total)),
        ]
      )
    }
    return result
  }

  private static func workspace(_ outcome: FleetTokenAudit.Outcome) -> Workspace {
    var entry = Workspace(profile: outcome.profile ?? outcome.requested, host: outcome.host)
    switch outcome.audit {
    case .failure(let error):
      entry.error = RPCError(error).jsonValue
    case .success(let audit):
      entry.tokensScanned = audit.tokensScanned
      entry.pages = audit.pages
      entry.policy = audit.policy.map {
        GetTokenSettings.Result(maxTokenLifetimeDays: $0.maxLifetimeDays, tokensEnabled: $0.tokensEnabled)
      }
      entry.reasonsChecked = audit.reasonsChecked.map(\.rawValue)
      entry.reasonCounts = Dictionary(
        uniqueKeysWithValues: audit.reasonsChecked.map { ($0.rawValue, audit.reasonCounts[$0] ?? 0) }
      )
      entry.findings = audit.findings.map(finding)
      if audit.lastUseKnown {
        entry.topUsers = audit.topOwners(topUserCount).map {
          TopUser(
            ownerId: $0.ownerId,
            userName: $0.userName,
            tokenCount: $0.tokenCount,
            tokenLimit: TokenAuditRules.tokensPerUserLimit
          )
        }
      }
    }
    return entry
  }

  /// A finding as one object: the token's fields as `listTokens` reports them (``TokenSummary``), then `reasons`
  /// and `daysUntilIdleRevocation`.
  ///
  /// Built member by member rather than through `Encodable`: a fleet's audit has tens of thousands of findings, and
  /// the generic encoder cost more than evaluating them. The members and their `null`s are the ones
  /// ``TokenSummary``'s encoding gives (a test compares the two).
  static func finding(_ finding: TokenFinding) -> JSONValue {
    let token = TokenSummary(finding.token)
    var members: [String: JSONValue] = [
      "tokenId": .string(token.tokenId),
      "comment": .string(token.comment),
      "createdAt": token.createdAt.map(JSONValue.string) ?? .null,
      "expiresAt": token.expiresAt.map(JSONValue.string) ?? .null,
      "reasons": .array(finding.reasons.map { .string($0.rawValue) }),
    ]
    for (key, value) in [
      ("createdById", token.createdById), ("createdByUsername", token.createdByUsername), ("ownerId", token.ownerId),
      ("lastUsedDay", token.lastUsedDay),
    ] {
      if let value { members[key] = .string(value) }
    }
    if let days = finding.daysUntilIdleRevocation { members["daysUntilIdleRevocation"] = .int(Int64(days)) }
    return .object(members)
  }
}
