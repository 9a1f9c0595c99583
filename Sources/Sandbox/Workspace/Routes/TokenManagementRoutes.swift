import JSON
import LoopbackHTTP

/// Token Management API (`/api/2.0/token-management/...`): every token of the workspace, for admins only.
enum TokenManagementRoutes {
  private static let adminOnly = "Only workspace admins can use the token management API."

  /// `GET /api/2.0/token-management/tokens?created_by_id=&created_by_username=`
  static func list(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    try call.requireAdmin(adminOnly)
    var createdByID: Int64?
    if let text = call.query["created_by_id"], !text.isEmpty {
      guard let id = Int64(text) else {
        throw .invalidParameterValue("Invalid value '\(text)' for created_by_id: expected an integer")
      }
      createdByID = id
    }
    let userName = call.query["created_by_username"].flatMap { $0.isEmpty ? nil : $0 }
    let workspaceID = state.workspaceID
    let encode = { (tokens: TokenStore) in
      Proto3JSON.listBytes("token_infos") { emit in
        tokens.forEach { record in
          guard createdByID.map({ record.createdByID == $0 }) ?? true,
            userName.map({ record.createdByUserName == $0 }) ?? true
          else { return }
          emit(record.managementInfo(workspaceID: workspaceID))
        }
      }
    }
    // The whole list is kept encoded until a token changes: the sandbox stands in for a remote workspace, whose
    // CPU is not the client's, so serving a long list again should cost it next to nothing.
    let (body, pageEnds) =
      createdByID == nil && userName == nil ? state.tokens.cachedList(key: workspaceID, encode) : encode(state.tokens)
    return HTTPResponse(
      status: 200,
      headers: ["Content-Type": "application/json"],
      body: body,
      bodyPartEnds: pageEnds
    )
  }

  /// `GET /api/2.0/token-management/tokens/{token_id}`
  static func get(
    id: String,
    _ call: APICall,
    _ state: inout WorkspaceState
  ) throws(SandboxErrorResponse) -> HTTPResponse {
    try call.requireAdmin(adminOnly)
    guard let record = state.tokens.record(id: id) else {
      throw .resourceDoesNotExist("Token with ID \(id) does not exist.")
    }
    return .json(["token_info": record.managementInfo(workspaceID: state.workspaceID)])
  }

  /// `DELETE /api/2.0/token-management/tokens/{token_id}`
  static func delete(
    id: String,
    _ call: APICall,
    _ state: inout WorkspaceState
  ) throws(SandboxErrorResponse) -> HTTPResponse {
    try call.requireAdmin(adminOnly)
    guard state.tokens.remove(id: id) else { throw .resourceDoesNotExist("Token with ID \(id) does not exist.") }
    return .json([:])
  }

  /// `POST /api/2.0/token-management/on-behalf-of/tokens`: a token owned by a service principal, created by the
  /// calling admin, under the same policy as the principal's own tokens.
  static func createOnBehalfOf(
    _ call: APICall,
    _ state: inout WorkspaceState
  ) throws(SandboxErrorResponse) -> HTTPResponse {
    try call.requireAdmin(adminOnly)
    let applicationID = try call.requiredString("application_id")
    guard let owner = state.servicePrincipal(applicationID: applicationID) else {
      throw .resourceDoesNotExist("Service principal with application ID \(applicationID) does not exist.")
    }
    let record = try state.createToken(
      owner: owner,
      creator: call.caller,
      lifetimeSeconds: try call.int64("lifetime_seconds"),
      comment: try call.string("comment") ?? "",
      now: call.now
    )
    return .json([
      "token_value": .string(record.value),
      "token_info": record.managementInfo(workspaceID: state.workspaceID),
    ])
  }
}
