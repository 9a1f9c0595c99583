/// The workspace's rules for personal access tokens: the longest lifetime a new token may have, and whether tokens
/// may be created and used at all.
///
/// The workspace keeps both in Workspace Conf, as strings under ``maxLifetimeKey`` and ``enabledKey``. A key the
/// workspace has never set comes back as `""` or not at all, which means no limit and tokens enabled.
package struct TokenPolicy: Sendable, Equatable {
  package static let maxLifetimeKey = "maxTokenLifetimeDays"
  package static let enabledKey = "enableTokensConfig"
  /// The Workspace Conf keys that hold the policy.
  package static let keys = [maxLifetimeKey, enabledKey]

  /// The longest lifetime of a new token, in days; 0 means no limit.
  package var maxLifetimeDays: Int
  package var tokensEnabled: Bool

  package init(maxLifetimeDays: Int, tokensEnabled: Bool) {
    self.maxLifetimeDays = maxLifetimeDays
    self.tokensEnabled = tokensEnabled
  }

  /// The policy that Workspace Conf `values` describe: a lifetime that is unset or not a number is no limit, and
  /// tokens are enabled unless the flag says `false` (in any case).
  package init(workspaceConf values: [String: String]) {
    self.init(
      maxLifetimeDays: values[Self.maxLifetimeKey].flatMap { Int($0) } ?? 0,
      tokensEnabled: values[Self.enabledKey]?.lowercased() != "false"
    )
  }

  /// The Workspace Conf value that sets the maximum lifetime to `days`.
  package static func workspaceConf(maxLifetimeDays days: Int) -> [String: String] {
    [maxLifetimeKey: String(days)]
  }

  /// The Workspace Conf value that turns tokens on or off.
  package static func workspaceConf(tokensEnabled enabled: Bool) -> [String: String] {
    [enabledKey: enabled ? "true" : "false"]
  }
}
