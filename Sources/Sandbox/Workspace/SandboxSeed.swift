/// The principals and bootstrap credentials every sandbox starts with; fixed, so fixtures can name them.
package enum SandboxSeed {
  package static let adminsGroup = SandboxPrincipal.Group(id: "700000000000001", name: "admins")
  package static let usersGroup = SandboxPrincipal.Group(id: "700000000000002", name: "users")

  /// A workspace admin: may use token management and change workspace settings.
  package static let admin = SandboxPrincipal(
    id: 4_000_000_000_000_001,
    userName: "admin@sandbox.example",
    displayName: "Sandbox Admin",
    isAdmin: true,
    groups: [adminsGroup, usersGroup]
  )

  /// An ordinary user: only its own tokens.
  package static let user = SandboxPrincipal(
    id: 4_000_000_000_000_002,
    userName: "user@sandbox.example",
    displayName: "Sandbox User",
    isAdmin: false,
    groups: [usersGroup]
  )

  /// The target of on-behalf-of tokens, and the machine identity: it signs in with its OAuth secret (the
  /// `client_credentials` grant) or, through ``federationSubject``'s policy, with a CI system's token. No PAT.
  package static let servicePrincipal = SandboxPrincipal(
    id: 4_000_000_000_000_003,
    userName: "5e1f3c2a-9b8d-4c7e-a6f5-0d1e2f3a4b5c",
    displayName: "sandbox-automation",
    isAdmin: false,
    groups: [usersGroup],
    applicationID: "5e1f3c2a-9b8d-4c7e-a6f5-0d1e2f3a4b5c",
    clientSecret: servicePrincipalSecret
  )

  /// The service principal's OAuth secret (Databricks' secrets start with `dose`).
  package static let servicePrincipalSecret = "dose0a1b2c3d4e5f60718293a4b5c6d7e8f9"

  /// The identity provider of the seeded federation policy (see ``DatabricksSandbox/mintSubjectToken``).
  package static let federationIssuer = "https://issuer.sandbox.example"
  /// The subject the seeded federation policy maps to ``servicePrincipal``, shaped like a GitHub Actions one.
  package static let federationSubject = "repo:sandbox-org/sandbox-repo:ref:refs/heads/main"
  /// What the fake GitHub Actions token endpoint (`/__sandbox/github-oidc`) wants as its bearer, as GitHub hands a
  /// job `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
  package static let githubRequestToken = "ghs_sandboxRequestToken0123456789abcdef"

  /// The account of the workspace (a UUID, like real account ids); its OIDC endpoints live under
  /// `/oidc/accounts/<accountID>/`.
  package static let accountID = "a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b"

  /// The admin's bootstrap PAT (never expires, listed among the admin's tokens like any other).
  package static let adminToken = "dapi0a0d0e1f2a3b4c5d6e7f8091a2b3c4d5"
  /// The user's bootstrap PAT.
  package static let userToken = "dapi1b1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"

  static let bootstrapComment = "sandbox bootstrap token"
}
