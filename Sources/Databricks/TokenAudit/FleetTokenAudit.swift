/// The token audit of many workspaces (one per profile) at once: each workspace is listed and evaluated page by
/// page on its own, concurrently with the others, and one that fails is reported as failed while the others
/// complete.
package struct FleetTokenAudit: Sendable {
  /// Tokens evaluated per page: the page size of `listTokens`, so an audit reports progress at the same steps.
  package static let pageSize = 1000
  /// Workspaces audited at the same time; more wait for a free slot.
  package static let concurrentWorkspaces = 16

  /// One workspace's outcome.
  package struct Outcome: Sendable {
    /// The profile as asked for; `nil` for the default profile.
    package var requested: String?
    /// The profile's name once resolved.
    package var profile: String?
    package var host: String?
    package var audit: Result<WorkspaceTokenAudit, any Error>
  }

  let credentials: CredentialManager
  let rules: TokenAuditRules
  let allUsers: Bool

  package init(credentials: CredentialManager, rules: TokenAuditRules, allUsers: Bool) {
    self.credentials = credentials
    self.rules = rules
    self.allUsers = allUsers
  }

  /// Audits the workspaces of `profiles` (`nil`: the default profile).
  ///
  /// Each outcome is handed to `finished` and not kept, so a caller that reduces it to what it reports (and lets
  /// the findings go) never holds every workspace's audit at once.
  /// - Parameters:
  ///   - page: called after each page of a workspace is evaluated, with the workspace's index in `profiles`, its
  ///     profile's name (`"environment"` for a profile of `DATABRICKS_*` variables alone) and the audit so far; it
  ///     may be called from several tasks at once.
  ///   - finished: called once per workspace as it finishes, with its index in `profiles`, one call at a time.
  /// - Throws: `CancellationError` only; every other failure is an outcome.
  package func run(
    profiles: [String?],
    page: @escaping @Sendable (Int, String, WorkspaceTokenAudit) -> Void,
    finished: (Int, Outcome) throws -> Void
  ) async throws {
    try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
      var next = 0
      func startNext() {
        guard next < profiles.count else { return }
        let index = next
        next += 1
        group.addTask { (index, try await audit(profiles[index], index: index, page: page)) }
      }
      for _ in 0..<Self.concurrentWorkspaces { startNext() }
      while let (index, outcome) = try await group.next() {
        try finished(index, outcome)
        startNext()
      }
    }
  }

  private func audit(
    _ requested: String?,
    index: Int,
    page: @escaping @Sendable (Int, String, WorkspaceTokenAudit) -> Void
  ) async throws -> Outcome {
    var outcome = Outcome(requested: requested, audit: .failure(CancellationError()))
    do {
      let (name, api) = try await credentials.namedWorkspace(for: requested)
      outcome.profile = name
      outcome.host = api.host.url
      let label = name ?? requested ?? "environment"
      outcome.audit = .success(
        try await api.auditTokens(rules: rules, allUsers: allUsers, pageSize: Self.pageSize) { page(index, label, $0) }
      )
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      // A cancel that cut an HTTP call short surfaces as that call's failure: it is still a cancel.
      try Task.checkCancellation()
      outcome.audit = .failure(error)
    }
    return outcome
  }
}
