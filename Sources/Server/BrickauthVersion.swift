/// The service's version, reported by `initialize`, `--version` and the User-Agent.
package enum BrickauthVersion {
  package static let current = "0.1.0"
}
