/// How a ``DatabricksSandbox`` starts.
package struct SandboxConfiguration: Sendable {
  package var workspaceID: Int64 = 1_234_567_890_123_456
  /// Tokens one principal may hold before `token/create` answers `QUOTA_EXCEEDED` (bootstrap tokens count).
  package var tokenQuotaPerUser = 600
  /// Initial workspace settings, e.g. `["maxTokenLifetimeDays": "90"]`, validated like a PATCH.
  package var workspaceConf: [String: String] = [:]

  package init() {}
}
