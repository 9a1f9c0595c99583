/// A principal seeded into every sandbox together with a PAT that works from the start.
package struct BootstrapCredential: Sendable, Equatable {
  package var principal: SandboxPrincipal
  package var token: String
}
