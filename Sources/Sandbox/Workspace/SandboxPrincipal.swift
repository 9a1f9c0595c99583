/// A user or service principal of the emulated workspace.
package struct SandboxPrincipal: Sendable, Equatable {
  package struct Group: Sendable, Equatable {
    package var id: String
    package var name: String
  }

  /// The SCIM id; token APIs carry it as an int64 (`created_by_id`, `owner_id`).
  package var id: Int64
  /// The e-mail address of a user, or the application id of a service principal (what SCIM `Me` reports).
  package var userName: String
  package var displayName: String
  package var isAdmin: Bool
  package var groups: [Group]
  /// Set only for service principals: the id that on-behalf-of tokens are requested with.
  package var applicationID: String?
  /// Set only for service principals with an OAuth secret: what the `client_credentials` grant authenticates with.
  package var clientSecret: String?

  package init(
    id: Int64,
    userName: String,
    displayName: String,
    isAdmin: Bool,
    groups: [Group],
    applicationID: String? = nil,
    clientSecret: String? = nil
  ) {
    self.id = id
    self.userName = userName
    self.displayName = displayName
    self.isAdmin = isAdmin
    self.groups = groups
    self.applicationID = applicationID
    self.clientSecret = clientSecret
  }
}
