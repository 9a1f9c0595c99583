/// One workspace's audit as it accumulates page by page: the findings and counters, never the tokens themselves,
/// so a workspace of 50,000 tokens costs the memory of what is worth reporting, not of the whole list.
package struct WorkspaceTokenAudit: Sendable, Equatable {
  /// One owner's share of the per-user token limit.
  package struct Owner: Sendable, Equatable {
    package var ownerId: String
    /// The owner's user name, when one of the owner's tokens was created by the owner (the list names creators).
    package var userName: String?
    package var tokenCount: Int

    /// Counts one more token of this owner's.
    mutating func count(_ token: TokenInfo) {
      tokenCount += 1
      if userName == nil, token.createdById == ownerId { userName = token.createdByUsername }
    }
  }

  package let rules: TokenAuditRules
  /// Whether the list carries the day of last use (every user's tokens, from Token Management).
  package let lastUseKnown: Bool
  package private(set) var tokensScanned = 0
  package private(set) var pages = 0
  /// In list order.
  package private(set) var findings: [TokenFinding] = []
  /// How many findings carry each reason.
  package private(set) var reasonCounts: [TokenAuditReason: Int] = [:]
  /// The workspace's token policy, once read.
  package var policy: TokenPolicy?
  private var owners: [String: Owner] = [:]

  package init(rules: TokenAuditRules, lastUseKnown: Bool) {
    self.rules = rules
    self.lastUseKnown = lastUseKnown
  }

  package var reasonsChecked: [TokenAuditReason] {
    TokenAuditRules.reasonsChecked(lastUseKnown: lastUseKnown)
  }

  /// Evaluates one page of the list and keeps only what the report needs.
  package mutating func add(page tokens: [TokenInfo]) {
    pages += 1
    tokensScanned += tokens.count
    for token in tokens {
      if let ownerId = token.ownerId {
        // In place: one lookup per token, and no copy of the entry taken out and written back.
        owners[ownerId, default: Owner(ownerId: ownerId, tokenCount: 0)].count(token)
      }
      guard let finding = rules.finding(for: token, lastUseKnown: lastUseKnown) else { continue }
      findings.append(finding)
      for reason in finding.reasons { reasonCounts[reason, default: 0] += 1 }
    }
  }

  /// The `limit` owners with the most tokens, most first (ties by owner id), when the list names owners.
  package func topOwners(_ limit: Int) -> [Owner] {
    owners.values.sorted { ($0.tokenCount, $1.ownerId) > ($1.tokenCount, $0.ownerId) }.prefix(max(0, limit)).map {
      $0
    }
  }
}
