/// A token that an audit flags: the token as listed, and every reason that applies to it.
package struct TokenFinding: Sendable, Equatable {
  package var token: TokenInfo
  /// In the order of ``TokenAuditReason/allCases``; never empty.
  package var reasons: [TokenAuditReason]
  /// For an ``TokenAuditReason/idle`` token: whole days left before Databricks revokes it for 90 days of non-use
  /// (0 when that day has come).
  package var daysUntilIdleRevocation: Int?

  package init(token: TokenInfo, reasons: [TokenAuditReason], daysUntilIdleRevocation: Int? = nil) {
    self.token = token
    self.reasons = reasons
    self.daysUntilIdleRevocation = daysUntilIdleRevocation
  }
}
