extension WorkspaceAPI {
  /// Audits this workspace's tokens (every user's with `allUsers`, else the caller's own) against `rules`, one page
  /// at a time, and reads the workspace's token policy alongside.
  /// - Parameter page: called after each page is evaluated, with the audit so far (for progress).
  package func auditTokens(
    rules: TokenAuditRules,
    allUsers: Bool,
    pageSize: Int,
    page: (WorkspaceTokenAudit) -> Void
  ) async throws -> WorkspaceTokenAudit {
    async let policy = tokenPolicy()
    var audit = WorkspaceTokenAudit(rules: rules, lastUseKnown: allUsers)
    // A failed listing throws before the policy is awaited: the policy read is then cancelled, and the listing's
    // failure is what the caller sees.
    try await forEachTokenPage(allUsers: allUsers, pageSize: pageSize) { tokens in
      audit.add(page: tokens)
      page(audit)
    }
    audit.policy = try await policy
    return audit
  }
}
